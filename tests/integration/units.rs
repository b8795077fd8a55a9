//! The organisation's reference data (migration `20261124000004_organisation.sql`, generated from
//! the official lists in `migrations/data/`) read through `ioc_server::units`. The expected facts
//! are taken from those lists, so a wrong generator or a truncated migration shows up here.

use std::collections::{BTreeMap, BTreeSet};

use ioc_server::units::{self, Unit, UnitFilter, UnitKind, MAX_LIMIT};
use sqlx::PgPool;

use crate::harness::spawn_app;

/// Phường Đội Cấn, Quận Ba Đình, Hà Nội before 1 July 2025: hc- + sha1 of its name path. Pinned
/// because other tables will store these codes; the generator must never change them.
const DOI_CAN_HA_NOI: &str = "hc-dd8b322fe51a";
/// Phường Trung Liệt, Quận Đống Đa, Hà Nội: split between three new wards.
const TRUNG_LIET_HA_NOI: &str = "hc-2f557b3cf6a7";
/// Phường Hồng Thái, Thị xã Việt Yên, Bắc Giang: now in Bắc Ninh.
const HONG_THAI_BAC_GIANG: &str = "hc-0007ee287fa3";
/// Huyện Côn Đảo (Bà Rịa-Vũng Tàu), a district without communes, now a special zone of HCMC.
const CON_DAO_DISTRICT: &str = "hd-86aa497ac4c0";
const BAC_GIANG: &str = "hp-9e586defac97";

fn filter(kind: UnitKind) -> UnitFilter {
    UnitFilter {
        kind: Some(kind),
        limit: Some(MAX_LIMIT),
        ..Default::default()
    }
}

fn codes(units: &[Unit]) -> Vec<&str> {
    units.iter().map(|u| u.code.as_str()).collect()
}

fn code_set(units: &[Unit]) -> BTreeSet<&str> {
    units.iter().map(|u| u.code.as_str()).collect()
}

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

#[tokio::test]
async fn every_province_and_commune_since_july_2025_is_there() {
    let app = spawn_app().await;
    let provinces = units::list(&app.db, &filter(UnitKind::Province))
        .await
        .unwrap();
    assert_eq!(provinces.len(), 34);
    assert!(provinces
        .iter()
        .all(|p| p.active && p.parent_code.is_none()));
    let communes = units::list(&app.db, &filter(UnitKind::Commune))
        .await
        .unwrap();
    assert_eq!(communes.len(), 3321);
    assert!(communes.iter().all(|c| c.active && c.code.len() == 5));

    let nghe_an = UnitFilter {
        parent_code: Some("40".into()),
        ..filter(UnitKind::Commune)
    };
    let nghe_an = units::list(&app.db, &nghe_an).await.unwrap();
    assert_eq!(nghe_an.len(), 130, "Nghệ An has 130 communes and wards");
    assert_eq!(
        nghe_an[0].name_vi, "Xã Anh Sơn",
        "listed in the resolution's order"
    );

    let by_subtype: BTreeMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT subtype, count(*) FROM units WHERE kind = 'commune' GROUP BY 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let expected = [("phường", 687), ("xã", 2621), ("đặc khu", 13)];
    assert_eq!(
        by_subtype,
        expected
            .into_iter()
            .map(|(s, n)| (s.to_string(), n))
            .collect()
    );

    let ha_noi = units::get(&app.db, "01").await.unwrap().unwrap();
    assert_eq!(ha_noi.subtype.as_deref(), Some("thành phố trung ương"));
    let nghe_an = units::get(&app.db, "40").await.unwrap().unwrap();
    assert_eq!(nghe_an.subtype.as_deref(), Some("tỉnh"));
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM units WHERE kind = 'province' AND subtype IS NULL"
        )
        .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn a_commune_reads_as_published() {
    let app = spawn_app().await;
    let anh_son = units::get(&app.db, "17329")
        .await
        .unwrap()
        .expect("Xã Anh Sơn");
    assert_eq!(
        anh_son,
        Unit {
            code: ioc_protocol::UnitCode::parse("17329").unwrap(),
            name_vi: "Xã Anh Sơn".into(),
            name_en: "Anh Son Commune".into(),
            kind: UnitKind::Commune,
            subtype: Some("xã".into()),
            parent_code: Some("40".into()),
            active: true,
        }
    );
    let hoan_kiem = units::get(&app.db, "00070").await.unwrap().unwrap();
    assert_eq!(
        (hoan_kiem.name_vi.as_str(), hoan_kiem.name_en.as_str()),
        ("Phường Hoàn Kiếm", "Hoan Kiem Ward")
    );
    assert_eq!(hoan_kiem.subtype.as_deref(), Some("phường"));
    assert_eq!(hoan_kiem.parent_code.as_deref(), Some("01"));
    let con_dao = units::get(&app.db, "26732").await.unwrap().unwrap();
    assert_eq!(
        (con_dao.name_vi.as_str(), con_dao.name_en.as_str()),
        ("Đặc khu Côn Đảo", "Con Dao Special Zone")
    );
    assert_eq!(con_dao.parent_code.as_deref(), Some("79"));
    // A doubled space in the source list is not kept.
    let bmt = units::get(&app.db, "24133").await.unwrap().unwrap();
    assert_eq!(bmt.name_vi, "Phường Buôn Ma Thuột");
    assert!(units::get(&app.db, "99999").await.unwrap().is_none());
    app.stop().await;
}

#[tokio::test]
async fn historic_units_are_kept_and_inactive() {
    let app = spawn_app().await;
    for (kind, expected) in [
        (UnitKind::HistoricProvince, 63),
        (UnitKind::HistoricDistrict, 696),
        (UnitKind::HistoricCommune, 10038),
    ] {
        let n = count(
            &app.db,
            &format!("SELECT count(*) FROM units WHERE kind = '{kind}'"),
        )
        .await;
        assert_eq!(n, expected, "{kind}");
        let active = UnitFilter {
            active: Some(true),
            ..filter(kind)
        };
        assert!(
            units::list(&app.db, &active).await.unwrap().is_empty(),
            "no {kind} is active"
        );
    }
    // Old commune → old district → old province.
    let doi_can = units::get(&app.db, DOI_CAN_HA_NOI).await.unwrap().unwrap();
    assert_eq!(
        (doi_can.name_vi.as_str(), doi_can.kind, doi_can.active),
        ("Phường Đội Cấn", UnitKind::HistoricCommune, false)
    );
    let district = units::get(&app.db, doi_can.parent_code.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (district.name_vi.as_str(), district.kind),
        ("Quận Ba Đình", UnitKind::HistoricDistrict)
    );
    assert_eq!(district.subtype.as_deref(), Some("quận"));
    let province = units::get(&app.db, district.parent_code.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (province.name_vi.as_str(), province.kind),
        ("Thành phố Hà Nội", UnitKind::HistoricProvince)
    );
    assert_eq!(province.parent_code, None);

    // The database itself refuses an active historic unit.
    let refused = sqlx::query(
        "INSERT INTO units (code, name_vi, name_en, kind, active)
         VALUES ('hc-test', 'Xã Thử', 'Thu Commune', 'historic_commune', true)",
    )
    .execute(&app.db)
    .await;
    assert!(refused.is_err());
    app.stop().await;
}

#[tokio::test]
async fn every_historic_commune_has_a_successor() {
    let app = spawn_app().await;
    let orphans = count(
        &app.db,
        "SELECT count(*) FROM units u WHERE u.kind = 'historic_commune'
         AND NOT EXISTS (SELECT 1 FROM unit_successors s WHERE s.old_code = u.code)",
    )
    .await;
    assert_eq!(orphans, 0);
    let orphan_provinces = count(
        &app.db,
        "SELECT count(*) FROM units u WHERE u.kind = 'historic_province'
         AND NOT EXISTS (SELECT 1 FROM unit_successors s WHERE s.old_code = u.code)",
    )
    .await;
    assert_eq!(orphan_provinces, 0);
    // Successors are today's units of the same level: commune → commune, province → province.
    let mismatched = count(
        &app.db,
        "SELECT count(*) FROM unit_successors s JOIN units o ON o.code = s.old_code JOIN units n ON n.code = s.new_code
         WHERE NOT n.active OR (o.kind, n.kind) NOT IN
             (('historic_commune', 'commune'), ('historic_district', 'commune'), ('historic_province', 'province'))",
    )
    .await;
    assert_eq!(mismatched, 0);
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM unit_successors").await,
        10421
    );
    assert!(
        count(
            &app.db,
            "SELECT count(*) FROM unit_successors WHERE effective <> '2025-07-01'"
        )
        .await
            == 0,
        "the reorganisation took effect on 1 July 2025"
    );
    app.stop().await;
}

#[tokio::test]
async fn old_wards_map_to_their_successors() {
    let app = spawn_app().await;
    // Đội Cấn was split between Ba Đình and Ngọc Hà.
    let doi_can = units::successors(&app.db, DOI_CAN_HA_NOI).await.unwrap();
    assert_eq!(code_set(&doi_can), BTreeSet::from(["00004", "00008"]));
    let names: BTreeSet<&str> = doi_can.iter().map(|u| u.name_vi.as_str()).collect();
    assert_eq!(names, BTreeSet::from(["Phường Ba Đình", "Phường Ngọc Hà"]));
    // Trung Liệt between three.
    let trung_liet = units::successors(&app.db, TRUNG_LIET_HA_NOI).await.unwrap();
    assert_eq!(
        code_set(&trung_liet),
        BTreeSet::from(["00190", "00226", "00235"])
    );
    // A ward of a province that was merged now belongs to the other province.
    let hong_thai = units::successors(&app.db, HONG_THAI_BAC_GIANG)
        .await
        .unwrap();
    assert_eq!(codes(&hong_thai), ["07777"]);
    assert_eq!(hong_thai[0].name_vi, "Phường Việt Yên");
    assert_eq!(hong_thai[0].parent_code.as_deref(), Some("24"));
    // An island district without communes became a special zone.
    assert_eq!(
        codes(&units::successors(&app.db, CON_DAO_DISTRICT).await.unwrap()),
        ["26732"]
    );

    // And back: the wards that went into today's Phường Ba Đình.
    let ba_dinh = units::predecessors(&app.db, "00004").await.unwrap();
    let names: BTreeSet<&str> = ba_dinh.iter().map(|u| u.name_vi.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "Phường Cửa Đông",
            "Phường Kim Mã",
            "Phường Ngọc Hà",
            "Phường Quán Thánh",
            "Phường Trúc Bạch",
            "Phường Điện Biên",
            "Phường Đội Cấn",
        ])
    );
    assert!(ba_dinh
        .iter()
        .all(|u| u.kind == UnitKind::HistoricCommune && !u.active));
    // Xã Anh Sơn (Nghệ An) was formed from Thị trấn Kim Nhan, Xã Đức Sơn and Xã Phúc Sơn.
    let anh_son: BTreeSet<String> = units::predecessors(&app.db, "17329")
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name_vi)
        .collect();
    assert_eq!(
        anh_son,
        BTreeSet::from([
            "Thị trấn Kim Nhan".into(),
            "Xã Phúc Sơn".into(),
            "Xã Đức Sơn".into()
        ])
    );

    // Provinces: Bắc Giang went into Bắc Ninh; Nghệ An was not merged.
    assert_eq!(
        codes(&units::successors(&app.db, BAC_GIANG).await.unwrap()),
        ["24"]
    );
    let bac_ninh: BTreeSet<String> = units::predecessors(&app.db, "24")
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name_vi)
        .collect();
    assert_eq!(
        bac_ninh,
        BTreeSet::from(["Tỉnh Bắc Giang".into(), "Tỉnh Bắc Ninh".into()])
    );
    let nghe_an = units::predecessors(&app.db, "40").await.unwrap();
    assert_eq!(nghe_an.len(), 1);
    assert_eq!(
        (nghe_an[0].name_vi.as_str(), nghe_an[0].kind),
        ("Tỉnh Nghệ An", UnitKind::HistoricProvince)
    );

    assert!(
        units::successors(&app.db, "17329")
            .await
            .unwrap()
            .is_empty(),
        "today's units have no successor"
    );
    assert!(units::successors(&app.db, "no-such-unit")
        .await
        .unwrap()
        .is_empty());
    app.stop().await;
}

#[tokio::test]
async fn search_ignores_case_accents_and_punctuation() {
    let app = spawn_app().await;
    let search = |q: &str, kind: Option<UnitKind>| UnitFilter {
        q: Some(q.into()),
        kind,
        ..Default::default()
    };
    for q in ["anh son", "Anh Sơn", "ANH  SƠN", "  anh son "] {
        let found = units::list(&app.db, &search(q, None)).await.unwrap();
        assert_eq!(
            found[0].code, "17329",
            "{q:?}: the active Xã Anh Sơn comes first"
        );
    }
    // Matches start at words: "Xã Thanh Sơn" is not an "anh son".
    let communes = units::list(&app.db, &search("anh son", Some(UnitKind::Commune)))
        .await
        .unwrap();
    assert_eq!(
        codes(&communes),
        ["17329", "17365"],
        "Xã Anh Sơn, then Xã Anh Sơn Đông"
    );
    // Inactive namesakes come after the active units.
    let all = units::list(&app.db, &search("anh son", None))
        .await
        .unwrap();
    let first_inactive = all.iter().position(|u| !u.active).unwrap();
    assert!(all[first_inactive..].iter().all(|u| !u.active));
    assert!(all.iter().any(|u| u.name_vi == "Huyện Anh Sơn"));
    // English names, a name written with a spaced en dash, a curly apostrophe, a word prefix.
    assert_eq!(
        units::list(&app.db, &search("hoan kiem ward", None))
            .await
            .unwrap()[0]
            .code,
        "00070"
    );
    assert_eq!(
        units::list(&app.db, &search("chân mây-lăng cô", None))
            .await
            .unwrap()[0]
            .code,
        "20152"
    );
    assert_eq!(
        units::list(&app.db, &search("Cư M'gar", Some(UnitKind::Commune)))
            .await
            .unwrap()[0]
            .code,
        "24280"
    );
    assert_eq!(
        units::list(&app.db, &search("buon ma thu", Some(UnitKind::Commune)))
            .await
            .unwrap()[0]
            .code,
        "24133"
    );
    // Search combines with the other conditions; a query with nothing searchable in it ("%" is
    // not a wildcard) is no condition.
    let in_ha_noi = UnitFilter {
        parent_code: Some("01".into()),
        ..search("ba dinh", Some(UnitKind::Commune))
    };
    assert_eq!(
        codes(&units::list(&app.db, &in_ha_noi).await.unwrap()),
        ["00004"]
    );
    assert!(
        units::list(&app.db, &search("%", None))
            .await
            .unwrap()
            .len()
            <= units::DEFAULT_LIMIT as usize
    );
    assert!(units::list(&app.db, &search("zzzz", None))
        .await
        .unwrap()
        .is_empty());
    app.stop().await;
}

#[tokio::test]
async fn list_honours_its_limit() {
    let app = spawn_app().await;
    let ten = UnitFilter {
        limit: Some(10),
        ..filter(UnitKind::Commune)
    };
    assert_eq!(units::list(&app.db, &ten).await.unwrap().len(), 10);
    let none = UnitFilter {
        limit: Some(0),
        ..filter(UnitKind::Commune)
    };
    assert_eq!(
        units::list(&app.db, &none).await.unwrap().len(),
        1,
        "a limit below 1 reads as 1"
    );
    let default = UnitFilter {
        kind: Some(UnitKind::Commune),
        ..Default::default()
    };
    assert_eq!(
        units::list(&app.db, &default).await.unwrap().len(),
        units::DEFAULT_LIMIT as usize
    );
    app.stop().await;
}

#[tokio::test]
async fn nghe_an_has_its_departments() {
    let app = spawn_app().await;
    let departments = UnitFilter {
        parent_code: Some("40".into()),
        ..filter(UnitKind::Department)
    };
    let departments = units::list(&app.db, &departments).await.unwrap();
    assert!(departments.len() >= 20, "{}", departments.len());
    assert!(departments
        .iter()
        .all(|d| d.active && d.code.starts_with("dept-")));
    let finance = departments.iter().find(|d| d.code == "dept-stc").unwrap();
    assert_eq!(
        (finance.name_vi.as_str(), finance.name_en.as_str()),
        ("Sở Tài chính", "Department of Finance")
    );
    let office = units::get(&app.db, "dept-vp").await.unwrap().unwrap();
    assert_eq!(
        office.name_en,
        "Office of the Provincial People's Committee"
    );
    let names: BTreeSet<&str> = departments.iter().map(|d| d.name_vi.as_str()).collect();
    for expected in [
        "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Thống kê tỉnh Nghệ An",
        "Thuế tỉnh Nghệ An",
        "Ban Quản lý Khu kinh tế Đông Nam Nghệ An",
    ] {
        assert!(names.contains(expected), "{expected}");
    }
    app.stop().await;
}
