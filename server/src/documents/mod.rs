//! Files people upload: a unit's narrative report, a regime's outline template (and next, the
//! evidence of a task's progress). Owns the table `documents`.
//!
//! A file is accepted only when its content is one of the office formats a report comes in —
//! PDF, DOCX, XLSX, ODT — recognised by its signature (and, for the zip-based formats, by what
//! the archive holds), never by its name: a renamed executable stays refused. It is stored in the
//! database, inside the caller's transaction, with its SHA-256: the file and the row that refers
//! to it are written together or not at all, and backups carry both.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ioc_protocol::DocumentMeta;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::audit::{Actor, Entry};
use crate::http::ApiError;

/// The largest file accepted (a long report with scanned annexes fits; a video does not).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The request body limit of the upload routes: the file plus nothing else.
pub const BODY_LIMIT: usize = MAX_BYTES + 1;

/// The query of an upload route: the file's name as the user chose it (the type is judged from
/// the content, the body is the file).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileName {
    pub name: Option<String>,
}

/// The formats a report may come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Odt,
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Odt => "application/vnd.oasis.opendocument.text",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Odt => "odt",
        }
    }
}

/// What the content is, by its signature.
pub fn detect(bytes: &[u8]) -> Option<Kind> {
    if infer::doc::is_docx(bytes) {
        Some(Kind::Docx)
    } else if infer::doc::is_xlsx(bytes) {
        Some(Kind::Xlsx)
    } else if infer::odf::is_odt(bytes) {
        Some(Kind::Odt)
    } else if infer::archive::is_pdf(bytes) {
        Some(Kind::Pdf)
    } else {
        None
    }
}

/// A file checked and ready to store.
pub struct Upload {
    pub kind: Kind,
    pub file_name: String,
    pub bytes: Bytes,
    pub sha256: [u8; 32],
}

/// Checks an upload: not empty, not over [`MAX_BYTES`], of an accepted type by its content. The
/// name is kept as given (trimmed, without a path); the extension follows the content.
pub fn check(file_name: Option<&str>, bytes: Bytes) -> Result<Upload, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::Rejected {
            code: "empty_file",
            vi: "Tệp rỗng: không có nội dung để lưu".into(),
            en: "The file is empty: nothing to store".into(),
        });
    }
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::BodyTooLarge);
    }
    let Some(kind) = detect(&bytes) else {
        let seen = infer::get(&bytes).map_or("không rõ / unknown", |t| t.mime_type());
        return Err(ApiError::Rejected {
            code: "forbidden_file_type",
            vi: format!(
                "Loại tệp không được chấp nhận ({seen}): chỉ nhận PDF, DOCX, XLSX, ODT (xét theo nội dung, không theo tên tệp)"
            ),
            en: format!(
                "File type not accepted ({seen}): only PDF, DOCX, XLSX, ODT (judged by the content, not the name)"
            ),
        });
    };
    let name = file_name
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).trim())
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(200).collect::<String>())
        .unwrap_or_else(|| "report".to_string());
    let file_name = match name.rsplit_once('.') {
        Some((_, ext)) if ext.eq_ignore_ascii_case(kind.extension()) => name,
        _ => format!("{name}.{}", kind.extension()),
    };
    let sha256 = Sha256::digest(&bytes).into();
    Ok(Upload {
        kind,
        file_name,
        bytes,
        sha256,
    })
}

/// The raw request body of an upload route; a body over the route's limit is a 413 with the
/// API's error body.
pub fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::BodyTooLarge
        } else {
            ApiError::InvalidBody(r.body_text())
        }
    })
}

/// Stores a checked file in the caller's transaction; its id.
pub async fn store(tx: &mut PgConnection, up: &Upload, by: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO documents (file_name, media_type, size_bytes, sha256, content, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        up.file_name,
        up.kind.media_type(),
        i64::try_from(up.bytes.len()).unwrap_or(i64::MAX),
        &up.sha256[..],
        &up.bytes[..],
        by
    )
    .fetch_one(tx)
    .await
}

/// Stores a checked file and the audit entry of its upload (`entry`, whose `after` gains the
/// file's id, name, size and checksum), in the caller's transaction; the file's description.
pub async fn store_audited(
    tx: &mut PgConnection,
    actor: &Actor,
    up: &Upload,
    mut entry: Entry<'_>,
) -> Result<DocumentMeta, ApiError> {
    let id = store(tx, up, &actor.label).await?;
    let mut after = serde_json::json!({
        "document": id, "file_name": up.file_name, "size": up.bytes.len(), "sha256": hex(&up.sha256),
    });
    if let (Some(serde_json::Value::Object(extra)), Some(a)) =
        (entry.after.take(), after.as_object_mut())
    {
        a.extend(extra);
    }
    entry.after = Some(after);
    crate::audit::record(&mut *tx, actor, entry).await?;
    meta(tx, id).await?.ok_or(ApiError::NotFound)
}

/// A stored file's description.
pub async fn meta(db: &mut PgConnection, id: i64) -> Result<Option<DocumentMeta>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, file_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at
         FROM documents WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| DocumentMeta {
        id: r.id,
        file_name: r.file_name,
        media_type: r.media_type,
        size_bytes: r.size_bytes,
        sha256: hex(&r.sha256),
        uploaded_by: r.uploaded_by,
        uploaded_at: r.uploaded_at,
    }))
}

/// The file as a download: its type, its name, and its checksum in `Digest` (RFC 3230) so a
/// client can verify what it received.
pub async fn download(db: &mut PgConnection, id: i64) -> Result<Response, ApiError> {
    let row = sqlx::query!(
        "SELECT file_name, media_type, sha256, content FROM documents WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or(ApiError::NotFound)?;
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        row.file_name
            .chars()
            .map(|c| if c.is_ascii_graphic() && c != '"' || c == ' ' {
                c
            } else {
                '_'
            })
            .collect::<String>(),
        form_urlencoded::byte_serialize(row.file_name.as_bytes()).collect::<String>()
    );
    Ok((
        [
            (header::CONTENT_TYPE, row.media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static("x-checksum-sha256"),
                hex(&row.sha256),
            ),
        ],
        row.content,
    )
        .into_response())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_content_not_the_name() {
        let pdf = Bytes::from_static(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n");
        let up = check(Some("bao-cao.docx"), pdf).unwrap();
        assert_eq!(up.kind, Kind::Pdf);
        assert_eq!(up.file_name, "bao-cao.docx.pdf");
        let exe = Bytes::from_static(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff");
        assert!(matches!(
            check(Some("bao-cao.pdf"), exe),
            Err(ApiError::Rejected {
                code: "forbidden_file_type",
                ..
            })
        ));
        assert!(matches!(
            check(Some("x.pdf"), Bytes::new()),
            Err(ApiError::Rejected {
                code: "empty_file",
                ..
            })
        ));
        let text = Bytes::from_static("Báo cáo tháng".as_bytes());
        assert!(check(Some("x.txt"), text).is_err());
    }

    #[test]
    fn a_path_in_the_name_is_dropped() {
        let pdf = Bytes::from_static(b"%PDF-1.4\n%%EOF\n");
        let up = check(Some("C:\\Users\\an\\Báo cáo.pdf"), pdf).unwrap();
        assert_eq!(up.file_name, "Báo cáo.pdf");
        assert_eq!(hex(&up.sha256).len(), 64);
    }
}
