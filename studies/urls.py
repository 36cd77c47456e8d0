from django.urls import path

from studies.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("radiology/", home.radiology_home, name="radiology-home"),
    path("ir/", home.ir_home, name="ir-home"),
    path("department/", home.department_home, name="department-home"),
]
