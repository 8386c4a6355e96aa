"""The sites the city can provide (facilities, roads, schools, parks): the desk's list with
every booking, and the form to register or change one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.permissions import desk_only

from . import services
from .desk_views import form_failed
from .forms import SiteForm
from .models import Site, SiteBooking


@desk_only
@require_GET
def site_list(request):
    sites = list(
        Site.objects.select_related("department").prefetch_related(
            Prefetch(
                "bookings",
                queryset=SiteBooking.objects.select_related("project__proposal").order_by(
                    "start", "pk"
                ),
            )
        )
    )
    return render(request, "projects/desk/sites.html", {"sites": sites})


def _site_form_page(request, site: Site | None):
    form = SiteForm.for_site(site, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.save_site(
                    request.user,
                    site=site,
                    name=data["name"],
                    address=data["address"],
                    department=data["department"],
                    notes=data["notes"],
                    is_active=data["is_active"],
                )
            except services.NotPermitted as exc:
                form.add_error(None, exc.message)
                status = 403
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request, _("The site “%(name)s” was saved.") % {"name": saved.name}
                )
                return redirect(f"{reverse('project_desk:sites')}#site-{saved.pk}")
        form_failed(request, form)
    return render(
        request, "projects/desk/site_form.html", {"form": form, "site": site}, status=status
    )


@desk_only
@require_http_methods(["GET", "POST"])
def site_create(request):
    return _site_form_page(request, None)


@desk_only
@require_http_methods(["GET", "POST"])
def site_edit(request, pk: int):
    return _site_form_page(request, get_object_or_404(Site, pk=pk))
