from django.urls import path

from gateway.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("held/<uuid:message_id>/", views.item_page, name="item"),
    path("held/recipient/<int:outcome_id>/<str:action>/", views.act, name="act"),
    path("held/bulk/", views.bulk_confirm, name="bulk"),
    path("held/bulk/apply/", views.bulk_apply, name="bulk_apply"),
    path("logbook/", views.logbook_page, name="logbook"),
    path("audit/", views.audit_page, name="audit"),
]
