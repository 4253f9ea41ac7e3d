"""The upload form of the bulk imports (issue #15 point 3): what is imported, the file
(type by content and size checked here), and for students the default class and date."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.inputs import BoundedDateField
from journal.uploads import upload_limit
from schools.models import SchoolClass

from .imports.base import ImportFileError, sniff_format
from .models import ImportJob


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SchoolClass) -> str:
        return str(obj)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Что загружается"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=gettext_lazy("Файл"),
        help_text=gettext_lazy("XLSX (Excel) или CSV по шаблону: первая строка — заголовки."),
    )
    school_class = ClassChoiceField(
        label=gettext_lazy("Класс"),
        queryset=SchoolClass.objects.none(),
        required=False,
        empty_label=gettext_lazy("— по столбцу «Класс» файла —"),
        help_text=gettext_lazy("Для обучающихся: класс строк, где столбец «Класс» пуст."),
    )
    start_date = BoundedDateField(
        label=gettext_lazy("Дата зачисления"),
        required=False,
        help_text=gettext_lazy("Для обучающихся: дата строк, где столбец «Дата зачисления» пуст."),
    )

    def __init__(self, *args, school, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.year = year
        classes = SchoolClass.objects.filter(school=school, academic_year=year) if year else None
        self.fields["school_class"].queryset = (
            classes.order_by("grade", "letter")
            if classes is not None
            else SchoolClass.objects.none()
        )
        self.content = b""
        self.file_format = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = upload_limit(self.school)
        if upload.size > limit:
            raise forms.ValidationError(
                _("Файл слишком большой: %(size).1f МБ, допускается не более %(limit).0f МБ.")
                % {"size": upload.size / 1048576, "limit": limit / 1048576}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Файл пустой."))
        upload.seek(0)
        content = upload.read()
        try:
            self.file_format = sniff_format(content)
        except ImportFileError as error:
            raise forms.ValidationError(error.messages) from None
        self.content = content
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportJob.Kind.STUDENTS and self.year is None:
            raise forms.ValidationError(_("В школе нет учебного года: зачислять некуда."))
        start = data.get("start_date")
        if start is None and self.year is not None:
            today = timezone.localdate()
            start = today if self.year.start_date <= today <= self.year.end_date else None
            data["start_date"] = start or self.year.start_date
        if start and self.year and not self.year.start_date <= start <= self.year.end_date:
            self.add_error(
                "start_date",
                _("Дата вне учебного года %(year)s.") % {"year": self.year.name},
            )
        return data
