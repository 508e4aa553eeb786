"""The `provision` command: a district from its CSV, a province from the 2025 registry, bad input refused whole."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Collection, GroupPagePermission, Page, Site, Workflow

from communes.models import CommuneHomePage
from home.models import PortalHomePage
from provisioning.importers import read_province
from sites.models import AdministrativeUnit, UnitKind

DAK_HA_CSV = Path(__file__).resolve().parents[2] / "provisioning" / "data" / "dak-ha-district-units-2024.csv"
HEADER = "code,name,type,codename,district_code,district_name,province_code,province_name\n"
DAK_LA = "23524,Xã Đắk La,xã,xa_dak_la,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n"
HA_MON = "23521,Xã Hà Mòn,xã,xa_ha_mon,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n"


def provision(*args):
    out = StringIO()
    call_command("provision", *args, stdout=out)
    return out.getvalue()


def write_csv(tmp_path, text):
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def counts():
    return {
        "units": AdministrativeUnit.objects.count(),
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "workflows": Workflow.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
    }


@pytest.mark.django_db
def test_it_builds_the_district_portal_and_all_its_communes_from_the_csv():
    output = provision("--csv", str(DAK_HA_CSV))

    portal = PortalHomePage.objects.get()
    assert portal.unit.code == "615" and portal.unit.kind == UnitKind.DISTRICT
    assert portal.unit.parent.name == "Tỉnh Kon Tum" and portal.unit.parent.kind == UnitKind.PROVINCE
    homes = CommuneHomePage.objects.child_of(portal)
    assert homes.count() == 11
    assert set(homes.values_list("title", flat=True)) >= {"Xã Đắk La", "Xã Hà Mòn", "Thị trấn Đắk Hà"}
    assert Site.objects.get(root_page=homes.get(unit__code="23524")).hostname == "dak-la.localhost"
    assert AdministrativeUnit.objects.get(code="23500").kind == UnitKind.TOWNSHIP
    assert "[11/11]" in output and "11 trang xã mới" in output


@pytest.mark.django_db
def test_running_it_twice_creates_nothing_new():
    provision("--csv", str(DAK_HA_CSV))
    before = counts()

    output = provision("--csv", str(DAK_HA_CSV))

    assert counts() == before
    assert "0 trang xã mới, 11 trang đã có" in output


@pytest.mark.django_db
def test_it_completes_a_commune_site_missing_a_section_on_a_second_run():
    provision("--csv", str(DAK_HA_CSV))
    home = CommuneHomePage.objects.get(unit__code="23524")
    home.get_children().get(slug="van-ban").delete()

    provision("--csv", str(DAK_HA_CSV))

    assert home.get_children().filter(slug="van-ban").exists()


@pytest.mark.django_db
def test_it_builds_a_province_portal_from_the_2025_registry():
    plan = read_province("12")  # Lai Châu, the province with the fewest units
    output = provision("--province", "12")

    portal = PortalHomePage.objects.get()
    assert portal.unit.code == "12" and portal.unit.kind == UnitKind.PROVINCE and portal.unit.name == "Tỉnh Lai Châu"
    assert CommuneHomePage.objects.child_of(portal).count() == len(plan.communes)
    assert set(AdministrativeUnit.objects.filter(parent=portal.unit).values_list("kind", flat=True)) <= {
        UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE
    }
    assert all(unit.valid_from.isoformat() == "2025-07-01" for unit in AdministrativeUnit.objects.all())
    assert f"{len(plan.communes)} trang xã mới" in output


def test_it_gives_communes_sharing_a_codename_their_codes_as_suffix():
    """Hồ Chí Minh City has both "Xã Thanh An" and "Xã Thạnh An", which fold to one codename."""
    plan = read_province("79")

    codenames = [unit.codename for unit in plan.communes]
    assert len(plan.communes) == 168
    assert len(set(codenames)) == len(codenames)
    assert {"xa_thanh_an_25807", "xa_thanh_an_27676"} <= set(codenames)
    assert plan.portal.name == "Thành phố Hồ Chí Minh" and plan.portal.kind == UnitKind.CITY


@pytest.mark.django_db
def test_it_refuses_an_unknown_province_and_lists_the_valid_codes():
    with pytest.raises(CommandError) as error:
        provision("--province", "62")  # Kon Tum was merged into Quảng Ngãi in 2025

    assert "Không có tỉnh, thành phố mã “62”" in str(error.value)
    assert "51 Quảng Ngãi" in str(error.value)
    assert counts()["units"] == 0 and not PortalHomePage.objects.exists()


@pytest.mark.parametrize(
    "rows, expected",
    [
        (DAK_LA + "23521,Xã Hà Mòn,xã,xa_ha_mon,615,Huyện Đắk Hà,62\n", "Dòng 3 (23521 Xã Hà Mòn): thiếu giá trị cột province_name"),
        (DAK_LA + "2352,Xã Hà Mòn,xã,xa_ha_mon,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n", "Dòng 3 (2352 Xã Hà Mòn): mã đơn vị “2352” không hợp lệ"),
        (DAK_LA + "23521,Xã Hà Mòn,làng,xa_ha_mon,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n", "Dòng 3 (23521 Xã Hà Mòn): loại đơn vị “làng” không hợp lệ"),
        (DAK_LA + "23521,Xã Hà Mòn,huyện,xa_ha_mon,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n", "loại đơn vị “huyện” không hợp lệ"),
        (DAK_LA + "23521,Xã Hà Mòn,xã,xa_ha_mon,616,Huyện Sa Thầy,62,Tỉnh Kon Tum\n", "Dòng 3 (23521 Xã Hà Mòn): thuộc huyện 616 (Huyện Sa Thầy), không phải huyện của tệp (615 Huyện Đắk Hà)"),
        (DAK_LA + HA_MON + "23524,Xã Đắk La,xã,xa_dak_la_2,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n", "Dòng 4 (23524 Xã Đắk La): mã 23524 trùng với dòng 2"),
        (DAK_LA + "23521,Xã Hà Mòn,xã,Xã Hà Mòn,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n", "tên mã “Xã Hà Mòn” không hợp lệ"),
        (DAK_LA + HA_MON + "23500,Thị trấn Đắk Hà,thị trấn,thi_tran_dak_ha,615,Huyện Đắk Hà,62,Tỉnh Kon Tum,thừa\n", "Dòng 4 (23500 Thị trấn Đắk Hà): thừa 1 ô"),
    ],
    ids=["missing-column", "bad-code", "unknown-type", "not-a-commune", "wrong-district", "duplicate-code",
         "bad-codename", "extra-cell"],
)
@pytest.mark.django_db
def test_a_malformed_row_is_named_and_nothing_is_created(tmp_path, rows, expected):
    path = write_csv(tmp_path, HEADER + rows)

    with pytest.raises(CommandError) as error:
        provision("--csv", path)

    assert "chưa tạo gì" in str(error.value)
    assert expected in str(error.value)
    assert counts()["units"] == 0 and not PortalHomePage.objects.exists()


@pytest.mark.django_db
def test_every_bad_row_is_reported_at_once(tmp_path):
    path = write_csv(tmp_path, HEADER + "1,Xã A,xã,xa_a,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n" + DAK_LA
                     + "23525,Xã B,thôn,xa_b,615,Huyện Đắk Hà,62,Tỉnh Kon Tum\n")

    with pytest.raises(CommandError) as error:
        provision("--csv", path)

    assert "Dòng 2 " in str(error.value) and "Dòng 4 " in str(error.value)


@pytest.mark.django_db
def test_a_file_without_the_official_columns_is_refused(tmp_path):
    path = write_csv(tmp_path, "code,name,type\n23524,Xã Đắk La,xã\n")

    with pytest.raises(CommandError) as error:
        provision("--csv", path)

    assert "Dòng 1 (tiêu đề): thiếu cột codename, district_code" in str(error.value)
    assert not AdministrativeUnit.objects.exists()


@pytest.mark.django_db
def test_the_district_option_rejects_a_file_of_another_district(tmp_path):
    with pytest.raises(CommandError) as error:
        provision("--csv", str(DAK_HA_CSV), "--district", "616")

    assert "Dòng 2 " in str(error.value) and "không phải huyện của tệp (616)" in str(error.value)
    assert not AdministrativeUnit.objects.exists()


@pytest.mark.django_db
def test_a_second_portal_is_refused_before_anything_is_written():
    provision("--csv", str(DAK_HA_CSV))
    before = counts()

    with pytest.raises(CommandError) as error:
        provision("--province", "12")

    assert "đã có cổng thông tin của Huyện Đắk Hà (615)" in str(error.value)
    assert counts() == before


@pytest.mark.django_db
def test_a_path_taken_by_another_page_is_refused_before_anything_is_written(tmp_path):
    from communes.models import StandardPage

    provision("--csv", write_csv(tmp_path, HEADER + DAK_LA))
    PortalHomePage.objects.get().add_child(instance=StandardPage(title="Xã Hà Mòn cũ", slug="xa-ha-mon"))
    before = counts()

    with pytest.raises(CommandError) as error:
        provision("--csv", write_csv(tmp_path, HEADER + DAK_LA + HA_MON))

    assert "Đường dẫn /xa-ha-mon/ của Xã Hà Mòn (23521) đã được trang khác sử dụng" in str(error.value)
    assert counts() == before


@pytest.mark.django_db
def test_a_dry_run_validates_and_writes_nothing():
    output = provision("--csv", str(DAK_HA_CSV), "--dry-run")

    assert "11 đơn vị cấp xã, dữ liệu hợp lệ" in output
    assert not AdministrativeUnit.objects.exists()


@pytest.mark.django_db
def test_a_failure_midway_keeps_finished_communes_and_rolls_back_the_one_in_progress(tmp_path, monkeypatch):
    import provisioning.services

    real_workflow_create = provisioning.services.Workflow.objects.get_or_create

    def fail_for_ha_mon(*args, name, **kwargs):
        if "Hà Mòn" in name:
            raise RuntimeError("mất kết nối cơ sở dữ liệu")
        return real_workflow_create(*args, name=name, **kwargs)

    monkeypatch.setattr(provisioning.services.Workflow.objects, "get_or_create", fail_for_ha_mon)
    path = write_csv(tmp_path, HEADER + DAK_LA + HA_MON)
    with pytest.raises(RuntimeError):
        provision("--csv", path)

    assert list(CommuneHomePage.objects.values_list("title", flat=True)) == ["Xã Đắk La"]
    assert not Group.objects.filter(name__contains="Hà Mòn").exists()
    assert not Site.objects.filter(hostname="ha-mon.localhost").exists()

    monkeypatch.undo()
    provision("--csv", path)
    assert CommuneHomePage.objects.count() == 2
