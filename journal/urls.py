from . import urls_class, urls_marking

app_name = "journal"
urlpatterns = [*urls_marking.urlpatterns, *urls_class.urlpatterns]
