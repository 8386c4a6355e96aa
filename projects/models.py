"""Adopted projects. Built by the adoption-to-public issue; nothing here yet."""
