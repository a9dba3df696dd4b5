from django.urls import path

from gateway.review import logbook_views, views

app_name = "review"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("held/<uuid:message_id>/", views.item_page, name="item"),
    # Before the manager's actions, whose pattern would take "emergency" for one.
    path(
        "held/recipient/<int:outcome_id>/emergency/",
        logbook_views.emergency_page,
        name="emergency",
    ),
    path("held/recipient/<int:outcome_id>/<str:action>/", views.act, name="act"),
    path("logbook/", logbook_views.logbook_page, name="logbook"),
    path("logbook/export.csv", logbook_views.logbook_csv, name="logbook_csv"),
    path("logbook/breach/", logbook_views.breach_page, name="record_breach"),
    path("logbook/<int:entry_id>/", logbook_views.logbook_entry_page, name="logbook_entry"),
    path("logbook/<int:entry_id>/review/", logbook_views.review_entry, name="review_entry"),
    path("audit/", views.audit_page, name="audit"),
]
