//! Integration tests: the real server against a real PostgreSQL that the harness starts once per
//! run (a private cluster; a fresh database per test, cloned from a migrated template).
//! One test binary with modules, so it links once.

mod harness;

mod access;
mod admin;
mod auth;
mod calendar;
mod central;
mod dossier_feed;
mod dossier_office;
mod dossiers;
mod embedded;
mod faults;
mod forms;
mod hub_faults;
mod live;
mod mail;
mod ops;
mod pages;
mod points;
mod procedures;
mod regimes;
mod reports;
mod screens;
mod storage;
mod tasks;
mod units;
