//! The procedures catalogue (thủ tục hành chính): reference data the dossiers and the 766 index
//! read. Owns the table `procedures`.
