//! Public-service dossiers (hồ sơ thủ tục hành chính): events from the one-stop systems, each
//! dossier's current state and on-time outcome, apology slips, the rollups the wall reads and the
//! Decision 766 index. Owns the tables of migration `…010000_dossiers`.

pub mod catalogue;
