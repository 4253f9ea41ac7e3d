from django.urls import path

from .views import alert, inbox, school, tasks

app_name = "alerts"
urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:notification_id>/read/", inbox.notification_read, name="notification_read"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<int:task_id>/done/", tasks.task_done, name="task_done"),
    path("school/", school.school_alerts, name="school_alerts"),
    path("school/recalculate/", school.recalculate, name="recalculate"),
    path("runs/<int:run_id>/", school.run_detail, name="run"),
    path("<int:alert_id>/", alert.alert_detail, name="alert"),
]
