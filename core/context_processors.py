from django.conf import settings


def site(request):
    """Values every page's layout needs."""
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        "municipality_name_en": settings.MUNICIPALITY_NAME_EN,
        "tasks_inline": settings.TASKS_INLINE,
    }
