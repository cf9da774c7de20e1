"""The project's URLs plus the media files, for browser tests that must load thumbnails.

``config.urls`` serves media only with DEBUG, and tests run with DEBUG off.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
