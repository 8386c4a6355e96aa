"""The one gate views go through: ``permission_required`` asks a rule (``core.rules``).

A person who is not signed in is sent to the sign-in page (and back afterwards). A signed-in
person the rule refuses gets 404, not 403: a back-office address, a proposal id or a referral
must not reveal to the wrong person that it exists.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def permission_required(perm: str):
    """Decorate a view (or ``dispatch``) so only people with ``perm`` (``kyoso.…``) get in."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


#: The back office: desk staff and the desk manager.
desk_only = permission_required("kyoso.use_back_office")
