"""Site-wide pages of the foundation: the status page, sign-in, the favicon. (The home page
belongs to the public site, ``projects.public_views.home``: it shows programmes and projects.)"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import rules, status
from .account_forms import LoginForm


@require_GET
def status_page(request):
    """Public readiness page: which database, cache and task mode are in use, whether each
    answers now, and whether PDFs can print Japanese. 503 when the database does not answer;
    Redis or the broker being down is shown (the site keeps working without them).

    Anyone may see the kinds; broker address and versions only the city's staff.
    """
    database = status.database_description()
    if database["version"] == "?":
        # Not ready: without the database no page works. A plain answer, no template that
        # would need the session.
        return HttpResponse(
            "database unreachable\n", status=503, content_type="text/plain; charset=utf-8"
        )
    fonts = status.cjk_fonts()
    beat = status.last_heartbeat()
    context = {
        "cache": status.cache_description(),
        "broker": status.broker_description(),
        "database": database,
        "tasks": status.task_mode(),
        "cjk_fonts": fonts,
        "heartbeat": beat,
        "show_details": rules.can_view_status_details(request.user),
        "debug": settings.DEBUG,
    }
    return render(request, "core/status.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the SVG icon."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))


class LoginView(auth_views.LoginView):
    template_name = "core/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
