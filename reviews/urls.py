from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("assignments/<int:pk>/", views.score, name="score"),
    path("assignments/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("proposals/<int:pk>/", views.desk, name="desk"),
    path("assign/", views.assign, name="assign"),
    path("close/", views.close, name="close"),
    path("calls/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("calls/<int:pk>/result-sheet.pdf", views.result_pdf, name="result_pdf"),
]
