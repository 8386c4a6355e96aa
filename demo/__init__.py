"""Demo and benchmark data, kept out of the foundation and the domain apps."""
