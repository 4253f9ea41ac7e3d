"""The municipality's consolidated monthly information (R-R-3 to the region): built only
from the latest approved version of each school's monthly information, checked against a
plain version by hypothesis; its workflow (the municipal specialist submits, the regional
one decides) and its PDF and XLSX."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.models import RoleAssignment
from accounts.roles import Role
from reporting.builders.municipal_monthly import consolidate
from reporting.models import Kind, Report, ReportFile, Status
from reporting.selectors_territory import Periods
from reporting.services import (
    ReportError,
    approve,
    open_report,
    return_report,
    submit,
    version_data,
)
from tests import factories
from tests.pdf import pdf_text
from tests.reporting.territory_helpers import (
    GROUPS,
    MONTH,
    MONTH_END,
    monthly_report,
    school_data,
    school_row,
)

# ---- The plain version --------------------------------------------------------------------


def plain_consolidation(municipality, month) -> dict:
    """Obviously correct: school by school in name order, the highest-numbered approved
    version of the school's monthly information of that month, its rows as they are."""
    rows = {group: [] for group in GROUPS}
    schools = sorted(municipality.schools.all(), key=lambda s: (s.short_name, s.pk))
    received = 0
    for school in schools:
        report = Report.objects.filter(
            kind=Kind.MONTHLY_INFORMATION, school=school, period_start=month
        ).first()
        if report is None:
            continue
        approved = [v for v in report.versions.all() if v.status == Status.APPROVED]
        if not approved:
            continue
        received += 1
        latest = max(approved, key=lambda v: v.number)
        for group in GROUPS:
            rows[group] += [(school.pk, row) for row in latest.data["tables"][group]]
    return {"rows": rows, "received": received, "schools": len(schools)}


version_status = st.sampled_from(["approved", "returned"])
history = st.one_of(
    st.none(),  # no report at all
    st.tuples(
        st.lists(version_status, max_size=3),  # closed versions
        st.sampled_from([None, "draft", "submitted"]),  # an open one last
    ).filter(lambda h: h[0] or h[1]),
)
rows_per_group = st.tuples(st.integers(0, 3), st.integers(0, 3))


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    schools=st.lists(
        st.tuples(history, st.lists(rows_per_group, min_size=4, max_size=4)),
        min_size=1,
        max_size=4,
    ),
    names=st.permutations(["Школа А", "Школа Б", "Школа В", "Школа Г"]),
)
def test_consolidation_is_the_sum_of_the_latest_approved_school_reports(schools, names):
    with transaction.atomic():
        municipality = factories.MunicipalityFactory()
        for (spec, counts), name in zip(schools, names, strict=False):
            school = factories.SchoolFactory(municipality=municipality, short_name=name)
            if spec is None:
                continue
            closed, open_status = spec
            statuses = [*closed, *([open_status] if open_status else [])]
            versions = []
            for number, (status, (first, second)) in enumerate(
                zip(statuses, counts, strict=False), start=1
            ):
                tag = f"{name}-v{number}"
                rows = {
                    "not_attending": [school_row(school, n, tag=tag) for n in range(1, first + 1)],
                    "missing_30": [
                        school_row(school, n, tag=tag, hours=n) for n in range(1, second + 1)
                    ],
                }
                versions.append((status, school_data(school, rows)))
            monthly_report(school, versions)
            # The month before and another municipality's school never count.
            monthly_report(
                school,
                [
                    (
                        "approved",
                        school_data(school, {g: [school_row(school, 1, tag="x")] for g in GROUPS}),
                    )
                ],
                month=datetime.date(2026, 9, 1),
            )
        stranger = factories.SchoolFactory(municipality=factories.MunicipalityFactory())
        monthly_report(
            stranger,
            [
                (
                    "approved",
                    school_data(stranger, {g: [school_row(stranger, 1, tag="y")] for g in GROUPS}),
                )
            ],
        )

        data = consolidate(municipality, MONTH)
        plain = plain_consolidation(municipality, MONTH)
        for group in GROUPS:
            expected = plain["rows"][group]
            got = data["tables"][group]
            assert [row["name"] for row in got] == [row["name"] for _s, row in expected]
            assert [row["hours"] for row in got] == [row["hours"] for _s, row in expected]
            assert [row["key"] for row in got] == [
                f"school:{school_id}:{row['key']}" for school_id, row in expected
            ]
            assert [row["number"] for row in got] == list(range(1, len(expected) + 1))
            assert data["totals"][group] == len(expected)
            assert data["totals"][f"{group}_hours"] == sum(row["hours"] for _s, row in expected)
            assert sum(school[group] for school in data["schools"]) == len(expected)
        assert data["totals"]["approved"] == plain["received"]
        assert data["totals"]["schools"] == plain["schools"] == len(data["schools"])
        assert (
            sum(data["totals"][s] for s in ("approved", "submitted", "in_work", "missing"))
            == (plain["schools"])
        )
        transaction.set_rollback(True)


# ---- The statuses of the schools, the workflow, the files ----------------------------------


@pytest.fixture
def territory(db):
    region = factories.RegionFactory()
    municipality = factories.MunicipalityFactory(
        region=region, name="Кетовский муниципальный округ"
    )
    schools = [
        factories.SchoolFactory(municipality=municipality, short_name=f"Школа № {n}")
        for n in (1, 2, 3, 4, 5)
    ]
    municipal = factories.UserFactory(
        first_name="Ольга", last_name="Кравец", phone="+7 35231 2-11-00"
    )
    RoleAssignment.objects.create(user=municipal, role=Role.MUNICIPAL, municipality=municipality)
    regional = factories.UserFactory()
    RoleAssignment.objects.create(user=regional, role=Role.REGIONAL, region=region)
    return {
        "region": region,
        "municipality": municipality,
        "schools": schools,
        "municipal": municipal,
        "regional": regional,
    }


def rows_of(school, tag, count=1) -> dict:
    return {
        "not_attending": [school_row(school, n, tag=tag) for n in range(1, count + 1)],
        "missing_30": [school_row(school, 1, tag=f"{tag}-30", hours=45)],
    }


@pytest.fixture
def received(territory):
    """Школа № 1 approved; № 2 approved, then corrected and approved again; № 3 approved,
    a correction in draft; № 4 submitted only; № 5 nothing."""
    one, two, three, four, _five = territory["schools"]
    monthly_report(one, [("approved", school_data(one, rows_of(one, "1")))])
    monthly_report(
        two,
        [
            ("approved", school_data(two, rows_of(two, "2old", 3))),
            ("approved", school_data(two, rows_of(two, "2new", 2))),
        ],
    )
    monthly_report(
        three,
        [("approved", school_data(three, rows_of(three, "3"))), ("draft", None)],
    )
    monthly_report(
        four,
        [
            ("returned", school_data(four, rows_of(four, "4r"))),
            ("submitted", school_data(four, rows_of(four, "4"))),
        ],
    )
    return territory


def test_schools_table_says_received_awaiting_and_missing(received):
    data = consolidate(received["municipality"], MONTH)
    statuses = {row["name"]: row["status"] for row in data["schools"]}
    assert statuses == {
        "Школа № 1": "approved",
        "Школа № 2": "approved",
        "Школа № 3": "approved",
        "Школа № 4": "submitted",
        "Школа № 5": "missing",
    }
    names = [row["name"] for row in data["tables"]["not_attending"]]
    assert names == ["Ученик 1-1", "Ученик 2new-1", "Ученик 2new-2", "Ученик 3-1"]
    assert [row["number"] for row in data["tables"]["missing_30"]] == [1, 2, 3]
    assert (data["totals"]["not_attending"], data["totals"]["missing_30"]) == (4, 3)
    assert data["totals"]["missing_30_hours"] == 135
    two = next(row for row in data["schools"] if row["name"] == "Школа № 2")
    assert (two["version"], two["not_attending"], two["missing_30"]) == (2, 2, 1)


def _consolidation(territory) -> Report:
    return open_report(
        kind=Kind.MUNICIPAL_MONTHLY,
        municipality=territory["municipality"],
        period_start=MONTH,
        period_end=MONTH_END,
        acting_user=territory["municipal"],
    )


def test_submitted_consolidation_stays_as_submitted_when_a_school_corrects_later(received):
    report = _consolidation(received)
    assert report.due_at.date() == datetime.date(2026, 11, 5)  # seed 003 Procedure §5.2
    version = submit(report=report, version=1, acting_user=received["municipal"])
    assert version.data["executor"]["name"] == received["municipal"].get_full_name()
    before = [row["name"] for row in version.data["tables"]["not_attending"]]

    four = received["schools"][3]
    four_report = Report.objects.get(school=four, period_start=MONTH)
    four_version = four_report.versions.get(number=2)
    four_version.status = Status.APPROVED
    four_version.save()
    four_report.approved_number, four_report.status = 2, Status.APPROVED
    four_report.save()

    version.refresh_from_db()
    assert [row["name"] for row in version_data(version)["tables"]["not_attending"]] == before
    # The next consolidation (a correction) takes the school's report in.
    assert "Ученик 4-1" in [
        r["name"] for r in consolidate(received["municipality"], MONTH)["tables"]["not_attending"]
    ]


def test_only_the_region_decides_and_not_the_preparer(received, committed):
    report = _consolidation(received)
    submit(report=report, version=1, acting_user=received["municipal"])
    with pytest.raises(PermissionDenied):
        approve(report=report, version=1, acting_user=received["municipal"])
    with pytest.raises(ReportError):
        return_report(report=report, version=1, comment="  ", acting_user=received["regional"])
    with committed():
        approve(report=report, version=1, acting_user=received["regional"])
    report.refresh_from_db()
    assert (report.status, report.approved_number) == (Status.APPROVED, 1)


def test_pdf_and_xlsx_follow_the_form(received, committed):
    report = _consolidation(received)
    submit(report=report, version=1, acting_user=received["municipal"])
    with committed():
        approve(report=report, version=1, acting_user=received["regional"])
    pdf = ReportFile.objects.get(version__report=report, format=ReportFile.Format.PDF)
    assert pdf.state == ReportFile.State.DONE, pdf.error
    text = pdf_text(bytes(pdf.content), "municipal-monthly")
    for expected in (
        "Информация о несовершеннолетних, не посещающих или систематически пропускающих",
        "Кетовский муниципальный округ",
        "(наименование муниципального органа управления образованием",
        "по состоянию на «31» октября 2026 года",
        "ФИО несовершеннолетнего",
        "Дата рождения",
        "Наименование образовательной организации",
        "Период необучения",
        "Причины необучения, пропусков (указать повторность обучения)",
        "Принятые меры",
        "Несовершеннолетние, не посещающие образовательные организации",
        "Несовершеннолетние, имеющие пропуски занятий (не менее 30 % учебного времени)",
        "Руководитель муниципального органа управления образованием",
        "Исполнитель, контактный телефон",
        "Ученик 2new-2",
        "Представление информации образовательными организациями",
        "не представлена",
    ):
        assert expected in text, expected
    assert "Ученик 2old-1" not in text and "Ученик 4-1" not in text

    xlsx = ReportFile.objects.get(version__report=report, format=ReportFile.Format.XLSX)
    workbook = load_workbook(io.BytesIO(bytes(xlsx.content)))
    form = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert "Кетовский муниципальный округ" in form
    assert "Ученик 3-1" in form and "Ученик 2old-1" not in form
    [total] = [r for r in workbook.worksheets[1].iter_rows(values_only=True) if r[1] == "Итого"]
    assert total[-2:] == (4, 3)


def test_regional_reads_it_once_submitted_and_the_municipal_page_links_it(client, received):
    report = _consolidation(received)
    url = reverse("reporting:detail", kwargs={"pk": report.pk})
    client.force_login(received["regional"])
    assert client.get(url).status_code == 403  # a draft is the municipality's business
    submit(report=report, version=1, acting_user=received["municipal"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Ученик 2new-1" in response.content.decode()


def test_overview_offers_the_past_month_consolidation_and_then_links_it(client, territory):
    """The municipal page of the past month: «Составить» until it is opened, then a link;
    the region's page links it once submitted."""
    page_url = reverse("reporting:municipality", kwargs={"pk": territory["municipality"].pk})
    client.force_login(territory["municipal"])
    assert 'data-testid="consolidation-open"' in client.get(page_url).content.decode()
    start, end = Periods.of(timezone.localdate()).report_month
    response = client.post(
        reverse("reporting:open"),
        {
            "kind": Kind.MUNICIPAL_MONTHLY,
            "day": start.isoformat(),
            "municipality": territory["municipality"].pk,
        },
    )
    report = Report.objects.get(kind=Kind.MUNICIPAL_MONTHLY, period_start=start)
    assert response.headers["Location"] == reverse("reporting:detail", kwargs={"pk": report.pk})
    detail = reverse("reporting:detail", kwargs={"pk": report.pk})
    content = client.get(page_url).content.decode()
    assert detail in content and 'data-testid="consolidation-open"' not in content

    region_url = reverse("reporting:region", kwargs={"pk": territory["region"].pk})
    client.force_login(territory["regional"])
    assert detail not in client.get(region_url).content.decode()  # a draft
    submit(report=report, version=1, acting_user=territory["municipal"])
    assert detail in client.get(region_url).content.decode()
    assert detail in client.get(page_url).content.decode()
