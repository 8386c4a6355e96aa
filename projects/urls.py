"""Public pages of adopted projects, open data, and the partner business's project pages."""

from django.urls import path

from . import feeds, opendata_views, portal_views, public_views

app_name = "projects"

urlpatterns = [
    # The public list, detail and statistics (cached; see public_cache).
    path("", public_views.project_list, name="list"),
    path("<int:pk>/", public_views.project_detail, name="detail"),
    path("statistics/", public_views.statistics, name="statistics"),
    # Open data and the feed.
    path("opendata/", opendata_views.opendata_index, name="opendata"),
    path("opendata/projects.csv", opendata_views.projects_csv, name="csv"),
    path("opendata/projects.json", opendata_views.projects_json, name="json"),
    path("feed.atom", feeds.ProjectFeed(), name="feed"),
    path("list.pdf", opendata_views.projects_pdf, name="pdf"),
    # The partner business: its projects, reports, the agreement document.
    path("mine/", portal_views.my_projects, name="mine"),
    path("<int:pk>/work/", portal_views.workspace, name="workspace"),
    path("<int:pk>/reports/new/", portal_views.new_report, name="new_report"),
    path("reports/<int:pk>/", portal_views.report_detail, name="report"),
    path("reports/files/<int:pk>/", portal_views.report_file, name="report_file"),
    path("<int:pk>/agreement/", portal_views.agreement_document, name="agreement_document"),
]
