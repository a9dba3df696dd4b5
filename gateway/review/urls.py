from django.urls import path

from gateway.review import document_views, logbook_views, register_views, views

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
    path("held/bulk/", views.bulk_confirm, name="bulk"),
    path("held/bulk/apply/", views.bulk_apply, name="bulk_apply"),
    path("documents/", document_views.documents_page, name="documents"),
    path("documents/<int:document_id>/", document_views.document_page, name="document"),
    # Before the decisions, whose pattern would take "content" or "finish" for one.
    path(
        "documents/<int:document_id>/content/",
        document_views.document_content,
        name="document_content",
    ),
    path(
        "documents/<int:document_id>/finish/",
        document_views.finish_release,
        name="document_finish",
    ),
    path(
        "documents/<int:document_id>/<str:action>/",
        document_views.decide,
        name="document_decide",
    ),
    path("discovery/", document_views.discovery_page, name="discovery"),
    path("discovery/folder/", document_views.discovery_folder, name="discovery_folder"),
    path("logbook/", logbook_views.logbook_page, name="logbook"),
    path("logbook/export.csv", logbook_views.logbook_csv, name="logbook_csv"),
    path("logbook/breach/", logbook_views.breach_page, name="record_breach"),
    path("logbook/<int:entry_id>/", logbook_views.logbook_entry_page, name="logbook_entry"),
    path("logbook/<int:entry_id>/review/", logbook_views.review_entry, name="review_entry"),
    path("audit/", views.audit_page, name="audit"),
    path("register/", register_views.subjects_page, name="subjects"),
    path("register/new/", register_views.subject_new, name="subject_new"),
    path("register/<int:subject_id>/", register_views.subject_page, name="subject"),
    path("register/<int:subject_id>/edit/", register_views.subject_edit, name="subject_edit"),
    path("register/<int:subject_id>/consent/", register_views.consent_new, name="consent_new"),
    path("register/consent/<int:consent_id>/", register_views.consent_edit, name="consent_edit"),
    path(
        "register/consent/<int:consent_id>/withdraw/",
        register_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("register/agencies/", register_views.agencies_page, name="agencies"),
    path("register/upload/", register_views.register_upload, name="register_upload"),
]
