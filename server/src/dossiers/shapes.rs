//! The province's communes as drawn shapes (GeoJSON), for the wall's map of overdue dossiers.
//! Owns the table `commune_shapes`.
//!
//! An administrator imports a FeatureCollection, all or nothing: every feature must name an
//! active commune of the province and carry a polygon that can be drawn in Vietnam's box; a file
//! with any bad feature writes nothing and is answered with every bad feature and its reason.
//! A good file replaces the stored shapes in one transaction, audited. The checks are written
//! here rather than through a GeoJSON crate: they are the few rules above, on `serde_json`
//! values the store keeps as they came.

use std::collections::{HashMap, HashSet};

use ioc_protocol::{CommuneShapeReceipt, RowError};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::audit::{self, Actor};
use crate::http::ApiError;

/// Vietnam's box (with its islands): longitudes and latitudes a commune's shape may use.
const LON: (f64, f64) = (100.0, 112.0);
const LAT: (f64, f64) = (8.0, 24.0);
/// The properties that may hold a feature's commune code, in the order they are read.
const CODE_PROPERTIES: [&str; 3] = ["code", "ma_xa", "ward_code"];

/// A feature that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub code: String,
    pub geometry: Value,
}

/// Why a feature was refused: (stable code, Vietnamese, English).
type Reason = (&'static str, String, String);

/// The commune code of a feature's properties, zero-padded to 5 digits; `None` when no
/// property holds one made of 1 to 5 digits.
fn commune_code(properties: &Value) -> Option<String> {
    let raw = CODE_PROPERTIES
        .iter()
        .find_map(|k| match properties.get(k)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => n.as_u64().map(|n| n.to_string()),
            _ => None,
        })?;
    (raw.len() <= 5 && raw.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{raw:0>5}"))
}

/// The checks of one ring: at least 4 positions, closed, every position in Vietnam's box.
fn check_ring(ring: &Value) -> Result<(), Reason> {
    let Some(points) = ring.as_array() else {
        return Err(bad_geometry());
    };
    if points.len() < 4 {
        return Err((
            "ring_too_short",
            "Mỗi vòng của đa giác cần ít nhất 4 điểm".into(),
            "Every ring of a polygon needs at least 4 positions".into(),
        ));
    }
    for p in points {
        let xy = p.as_array().filter(|a| a.len() >= 2);
        let Some((lon, lat)) = xy.and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?))) else {
            return Err(bad_geometry());
        };
        if !(LON.0..=LON.1).contains(&lon) || !(LAT.0..=LAT.1).contains(&lat) {
            return Err((
                "outside_vietnam",
                format!("Điểm [{lon}, {lat}] nằm ngoài lãnh thổ Việt Nam (kinh độ 100–112, vĩ độ 8–24; thứ tự [kinh độ, vĩ độ])"),
                format!("Position [{lon}, {lat}] is outside Vietnam (longitude 100–112, latitude 8–24; order [lon, lat])"),
            ));
        }
    }
    if points.first() != points.last() {
        return Err((
            "ring_not_closed",
            "Vòng của đa giác chưa khép kín (điểm cuối phải trùng điểm đầu)".into(),
            "A ring of a polygon is not closed (the last position must equal the first)".into(),
        ));
    }
    Ok(())
}

fn bad_geometry() -> Reason {
    (
        "bad_geometry",
        "Hình không đúng cấu trúc GeoJSON (Polygon hoặc MultiPolygon)".into(),
        "The geometry is not valid GeoJSON (Polygon or MultiPolygon)".into(),
    )
}

/// A Polygon (rings) or MultiPolygon (polygons of rings) whose every ring passes.
fn check_geometry(geometry: &Value) -> Result<(), Reason> {
    let coordinates = geometry.get("coordinates").and_then(Value::as_array);
    let polygons: Vec<&Value> = match (geometry.get("type").and_then(Value::as_str), coordinates) {
        (Some("Polygon"), Some(_)) => vec![geometry.get("coordinates").unwrap_or(&Value::Null)],
        (Some("MultiPolygon"), Some(list)) => list.iter().collect(),
        (Some(other), _) if other != "Polygon" && other != "MultiPolygon" => {
            return Err((
                "not_polygon",
                format!("Hình phải là Polygon hoặc MultiPolygon, không phải {other}"),
                format!("The geometry must be a Polygon or MultiPolygon, not {other}"),
            ))
        }
        _ => return Err(bad_geometry()),
    };
    if polygons.is_empty() {
        return Err(bad_geometry());
    }
    for polygon in polygons {
        let rings = polygon.as_array().filter(|r| !r.is_empty());
        for ring in rings.ok_or_else(bad_geometry)? {
            check_ring(ring)?;
        }
    }
    Ok(())
}

/// Checks a whole FeatureCollection against the province's active communes (code → name).
/// Every bad feature is reported, not only the first.
pub fn validate(body: &Value, communes: &HashMap<String, String>) -> Result<Vec<Shape>, ApiError> {
    let features = match (
        body.get("type").and_then(Value::as_str),
        body.get("features").and_then(Value::as_array),
    ) {
        (Some("FeatureCollection"), Some(f)) => f,
        _ => {
            return Err(ApiError::Rejected {
                code: "not_feature_collection",
                vi: "Nội dung phải là một GeoJSON FeatureCollection (type, features)".into(),
                en: "The body must be a GeoJSON FeatureCollection (type, features)".into(),
            })
        }
    };
    if features.is_empty() {
        return Err(ApiError::Rejected {
            code: "no_features",
            vi: "Tệp GeoJSON không có đối tượng nào".into(),
            en: "The GeoJSON has no features".into(),
        });
    }
    let mut shapes = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, feature) in features.iter().enumerate() {
        let code = feature.get("properties").and_then(commune_code);
        let checked = (|| {
            let Some(code) = &code else {
                return Err((
                    "no_commune_code",
                    "Thiếu mã xã (thuộc tính code, ma_xa hoặc ward_code, tối đa 5 chữ số)".into(),
                    "No commune code (property code, ma_xa or ward_code, up to 5 digits)".into(),
                ));
            };
            if !communes.contains_key(code) {
                return Err((
                    "unknown_commune",
                    format!("Mã {code} không phải xã, phường đang hoạt động của tỉnh"),
                    format!("{code} is not an active commune or ward of the province"),
                ));
            }
            if let Some(first) = seen.get(code) {
                return Err((
                    "duplicate_commune",
                    format!("Mã {code} đã có ở features[{first}]"),
                    format!("{code} already appears at features[{first}]"),
                ));
            }
            let geometry = feature.get("geometry").unwrap_or(&Value::Null);
            check_geometry(geometry)?;
            Ok(Shape {
                code: code.clone(),
                geometry: geometry.clone(),
            })
        })();
        if let Some(c) = &code {
            seen.entry(c.clone()).or_insert(i);
        }
        match checked {
            Ok(s) => shapes.push(s),
            Err((reason, vi, en)) => bad.push(RowError {
                row: i as u32,
                code: reason.to_string(),
                message_vi: format!("features[{i}]: {vi}"),
                message_en: format!("features[{i}]: {en}"),
                key: code,
            }),
        }
    }
    if bad.is_empty() {
        Ok(shapes)
    } else {
        Err(ApiError::InvalidFeatures(bad))
    }
}

/// The province's active communes and wards: code → Vietnamese name.
async fn communes(db: &PgPool, province: &str) -> Result<HashMap<String, String>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT code, name_vi FROM units WHERE kind = 'commune' AND parent_code = $1 AND active",
        province
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.code, r.name_vi))
    .collect())
}

/// Validates `body` and, when every feature passes, replaces the stored shapes with its
/// features in one transaction with the audit entry.
pub async fn import(
    db: &PgPool,
    province: &str,
    actor: &Actor,
    body: &Value,
) -> Result<CommuneShapeReceipt, ApiError> {
    let communes = communes(db, province).await?;
    let shapes = validate(body, &communes)?;
    let codes: Vec<String> = shapes.iter().map(|s| s.code.clone()).collect();
    let geometries: Vec<Value> = shapes.into_iter().map(|s| s.geometry).collect();
    let mut tx = db.begin().await?;
    let replaced = sqlx::query!("DELETE FROM commune_shapes")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query!(
        "INSERT INTO commune_shapes (unit_code, geometry)
         SELECT * FROM UNNEST($1::text[], $2::jsonb[])",
        &codes,
        &geometries
    )
    .execute(&mut *tx)
    .await?;
    // The audit keeps which communes were drawn, not the coordinates (megabytes of them).
    audit::record(
        &mut *tx,
        actor,
        audit::Entry {
            action: "import",
            entity: "commune_shapes",
            entity_id: None,
            before: Some(json!({ "count": replaced })),
            after: Some(json!({ "count": codes.len(), "codes": codes })),
        },
    )
    .await?;
    tx.commit().await?;
    let drawn: HashSet<&String> = codes.iter().collect();
    let mut missing: Vec<String> = communes
        .keys()
        .filter(|c| !drawn.contains(c))
        .cloned()
        .collect();
    missing.sort();
    Ok(CommuneShapeReceipt {
        imported: codes.len() as u32,
        replaced: replaced as u32,
        missing,
    })
}

/// The stored shapes as a FeatureCollection; each feature's properties are `code`, `name`
/// (Vietnamese) and `name_en`. Empty when nothing was imported.
pub async fn collection(db: &PgPool) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT s.unit_code, s.geometry, u.name_vi, u.name_en
         FROM commune_shapes s JOIN units u ON u.code = s.unit_code
         ORDER BY u.sort_order, s.unit_code"
    )
    .fetch_all(db)
    .await?;
    let features: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            json!({
                "type": "Feature",
                "properties": { "code": r.unit_code, "name": r.name_vi, "name_en": r.name_en },
                "geometry": r.geometry,
            })
        })
        .collect();
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lon: f64, lat: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]]})
    }

    fn communes() -> HashMap<String, String> {
        [("17329", "Xã Anh Sơn"), ("00070", "Phường Hoàn Kiếm")]
            .into_iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect()
    }

    fn rows(e: ApiError) -> Vec<(u32, String, Option<String>)> {
        match e {
            ApiError::InvalidFeatures(r) => r.into_iter().map(|r| (r.row, r.code, r.key)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn codes_are_read_from_any_of_the_three_properties_and_padded() {
        assert_eq!(
            commune_code(&json!({"code": "17329"})).as_deref(),
            Some("17329")
        );
        assert_eq!(
            commune_code(&json!({"ma_xa": 70})).as_deref(),
            Some("00070")
        );
        assert_eq!(
            commune_code(&json!({"ward_code": " 70 "})).as_deref(),
            Some("00070")
        );
        assert_eq!(commune_code(&json!({"code": "173290"})), None);
        assert_eq!(commune_code(&json!({"code": "x1"})), None);
        assert_eq!(commune_code(&json!({"name": "Anh Sơn"})), None);
    }

    #[test]
    fn a_good_collection_passes_with_polygons_and_multipolygons() {
        let multi = json!({"type": "MultiPolygon", "coordinates": [square(105.0, 21.0)["coordinates"].clone(), square(105.5, 21.0)["coordinates"].clone()]});
        let body = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "17329"}, "geometry": square(104.9, 18.8)},
            {"type": "Feature", "properties": {"ma_xa": "70"}, "geometry": multi},
        ]});
        let shapes = validate(&body, &communes()).unwrap();
        assert_eq!(shapes.len(), 2);
        assert_eq!(shapes[1].code, "00070");
    }

    #[test]
    fn every_bad_feature_is_listed_with_its_reason() {
        let mut open = square(104.9, 18.8);
        open["coordinates"][0][4] = json!([104.95, 18.8]);
        let body = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "17329"}, "geometry": square(104.9, 18.8)},
            {"type": "Feature", "properties": {"code": "17329"}, "geometry": square(104.9, 18.8)},
            {"type": "Feature", "properties": {}, "geometry": square(104.9, 18.8)},
            {"type": "Feature", "properties": {"code": "99999"}, "geometry": square(104.9, 18.8)},
            {"type": "Feature", "properties": {"code": "00070"}, "geometry": open},
            {"type": "Feature", "properties": {"code": "00070"}, "geometry": square(18.8, 104.9)},
            {"type": "Feature", "properties": {"code": "00070"}, "geometry": {"type": "Point", "coordinates": [105.0, 21.0]}},
            {"type": "Feature", "properties": {"code": "00070"}, "geometry": {"type": "Polygon", "coordinates": [[[105.0, 21.0], [105.1, 21.0], [105.0, 21.0]]]}},
        ]});
        let got = rows(validate(&body, &communes()).unwrap_err());
        let reasons: Vec<(u32, &str)> = got.iter().map(|(i, c, _)| (*i, c.as_str())).collect();
        assert_eq!(
            reasons,
            vec![
                (1, "duplicate_commune"),
                (2, "no_commune_code"),
                (3, "unknown_commune"),
                (4, "ring_not_closed"),
                (5, "duplicate_commune"),
                (6, "duplicate_commune"),
                (7, "duplicate_commune"),
            ]
        );
        assert_eq!(got[1].2, None);
        assert_eq!(got[2].2.as_deref(), Some("99999"));
    }

    #[test]
    fn geometry_rules_each_have_their_reason() {
        let one = |g: Value| {
            let body = json!({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"code": "17329"}, "geometry": g}]});
            rows(validate(&body, &communes()).unwrap_err())[0].1.clone()
        };
        assert_eq!(one(square(18.8, 104.9)), "outside_vietnam");
        assert_eq!(
            one(json!({"type": "Point", "coordinates": [105.0, 21.0]})),
            "not_polygon"
        );
        assert_eq!(
            one(
                json!({"type": "Polygon", "coordinates": [[[105.0, 21.0], [105.1, 21.0], [105.0, 21.0]]]})
            ),
            "ring_too_short"
        );
        assert_eq!(
            one(json!({"type": "Polygon", "coordinates": "x"})),
            "bad_geometry"
        );
        assert_eq!(one(Value::Null), "bad_geometry");
        assert_eq!(
            one(json!({"type": "Polygon", "coordinates": [[["a", 1], [1, 2], [2, 3], ["a", 1]]]})),
            "bad_geometry"
        );
    }

    #[test]
    fn a_body_that_is_no_collection_is_refused_as_a_whole() {
        for body in [
            json!([]),
            json!({"type": "Feature"}),
            json!({"type": "FeatureCollection", "features": []}),
        ] {
            assert!(
                matches!(validate(&body, &communes()), Err(ApiError::Rejected { .. })),
                "{body}"
            );
        }
    }
}
