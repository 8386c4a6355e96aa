from django.urls import path

from . import document_views, intake_views, views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", intake_views.start, name="start"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/transition/", views.proposal_transition, name="transition"),
    path("<int:pk>/lead/", views.assign_lead, name="assign_lead"),
    path("<int:pk>/edit/<slug:step>/", intake_views.step, name="step"),
    path("<int:pk>/submit/", intake_views.submit, name="submit"),
    path("<int:pk>/receipt/", intake_views.receipt, name="receipt"),
    path("<int:pk>/receipt.pdf", document_views.receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/notice.pdf", document_views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/summary.pdf", document_views.summary_pdf, name="summary_pdf"),
    path("<int:pk>/files/<int:attachment_id>/", document_views.download, name="download"),
    path(
        "<int:pk>/files/<int:attachment_id>/remove/", intake_views.remove_file, name="remove_file"
    ),
    path("<int:pk>/messages/", views.post_message, name="post_message"),
]
