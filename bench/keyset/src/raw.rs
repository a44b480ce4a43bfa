//! The floor of a SQLite preload and eager load: the library's own statement text, run
//! through libsqlite3's C API with no Diesel in between (`sqlite3_prepare_v3` once,
//! `sqlite3_bind_text`, `sqlite3_step`, `sqlite3_column_*`), decoding only the columns
//! the result needs into the same structs and aligning them with the owners the way
//! the library does (one map from owner key to position, each owner's lowest key).
//!
//! Used by `bin/client.rs` (contenders `raw_preload`, `raw_eager`).

use std::collections::hash_map::{Entry, HashMap};
use std::ffi::{c_int, CStr, CString};
use std::ptr;

use libsqlite3_sys as ffi;

use crate::{Profile, User};

/// A connection of its own (not Diesel's) to a SQLite file.
pub struct Raw {
    db: *mut ffi::sqlite3,
}

/// A statement prepared once and reset before each run.
pub struct Stmt {
    stmt: *mut ffi::sqlite3_stmt,
}

impl Raw {
    /// Opens the file at `path` read-write.
    pub fn open(path: &str) -> Raw {
        let path = CString::new(path).unwrap();
        let mut db = ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE;
        // SAFETY: a valid C string and an out pointer
        let rc = unsafe { ffi::sqlite3_open_v2(path.as_ptr(), &mut db, flags, ptr::null()) };
        assert_eq!(rc, ffi::SQLITE_OK, "sqlite3_open_v2");
        Raw { db }
    }

    /// Prepares `sql` (persistent: kept across runs like Diesel's statement cache).
    pub fn prepare(&self, sql: &str) -> Stmt {
        let mut stmt = ptr::null_mut();
        // SAFETY: `sql` outlives the call; its length is passed
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                self.db,
                sql.as_ptr().cast(),
                sql.len() as c_int,
                ffi::SQLITE_PREPARE_PERSISTENT as u32,
                &mut stmt,
                ptr::null_mut(),
            )
        };
        assert_eq!(rc, ffi::SQLITE_OK, "prepare {sql}: {}", self.error());
        Stmt { stmt }
    }

    fn error(&self) -> String {
        // SAFETY: sqlite3_errmsg returns a C string owned by the connection
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.db)) }
            .to_string_lossy()
            .into_owned()
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        // SAFETY: the handle came from sqlite3_open_v2; the bench finalizes (drops) its
        // statements first, else sqlite3_close leaves the connection open (SQLITE_BUSY)
        unsafe { ffi::sqlite3_close(self.db) };
    }
}

impl Drop for Stmt {
    fn drop(&mut self) {
        // SAFETY: the statement came from sqlite3_prepare_v3
        unsafe { ffi::sqlite3_finalize(self.stmt) };
    }
}

impl Stmt {
    /// Binds `text` to parameter 1 (or nothing when `None`), then calls `row` for each row.
    fn run(&mut self, text: Option<&str>, mut row: impl FnMut(&Stmt)) {
        // SAFETY: `text` outlives the steps (SQLITE_STATIC); the statement is reset first
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            if let Some(text) = text {
                let rc = ffi::sqlite3_bind_text(
                    self.stmt,
                    1,
                    text.as_ptr().cast(),
                    text.len() as c_int,
                    ffi::SQLITE_STATIC(),
                );
                assert_eq!(rc, ffi::SQLITE_OK);
            }
            loop {
                match ffi::sqlite3_step(self.stmt) {
                    ffi::SQLITE_ROW => row(self),
                    ffi::SQLITE_DONE => break,
                    rc => panic!("sqlite3_step: {rc}"),
                }
            }
            ffi::sqlite3_reset(self.stmt);
        }
    }

    /// Binds the integer `value` to parameter `i`.
    fn bind_int(&mut self, i: c_int, value: i32) {
        // SAFETY: a prepared statement, not running (reset by `run`)
        let rc = unsafe { ffi::sqlite3_bind_int(self.stmt, i, value) };
        assert_eq!(rc, ffi::SQLITE_OK);
    }

    fn is_null(&self, i: c_int) -> bool {
        // SAFETY: called on a row (`run`)
        unsafe { ffi::sqlite3_column_type(self.stmt, i) == ffi::SQLITE_NULL }
    }

    fn int(&self, i: c_int) -> i32 {
        // SAFETY: called on a row (`run`)
        unsafe { ffi::sqlite3_column_int(self.stmt, i) }
    }

    fn text(&self, i: c_int) -> String {
        // SAFETY: called on a row; text then bytes, as SQLite's documentation orders them
        let bytes = unsafe {
            let text = ffi::sqlite3_column_text(self.stmt, i);
            let len = ffi::sqlite3_column_bytes(self.stmt, i);
            std::slice::from_raw_parts(text, len as usize)
        };
        std::str::from_utf8(bytes).expect("UTF-8").to_owned()
    }

    fn profile(&self, at: c_int) -> Profile {
        Profile {
            id: self.int(at),
            user_id: (!self.is_null(at + 1)).then(|| self.int(at + 1)),
            bio: self.text(at + 2),
        }
    }
}

/// The statement of [`preload`]: the library's, selecting the row's columns only (the
/// library also selects the foreign key first, a second time).
pub const PRELOAD_SQL: &str = "SELECT profiles.id, profiles.user_id, profiles.bio FROM profiles WHERE profiles.user_id IN (SELECT value FROM json_each(?))";

/// The preload's result by hand: the distinct keys as one JSON array (serde_json, as
/// the library writes it), one statement, each owner's row with the lowest key.
pub fn preload(owners: &[User], stmt: &mut Stmt) -> Vec<Option<Profile>> {
    let mut rows: Vec<Option<Profile>> = Vec::with_capacity(owners.len());
    let mut position: HashMap<i32, usize> = HashMap::with_capacity(owners.len());
    let mut keys = Vec::with_capacity(owners.len());
    for (i, owner) in owners.iter().enumerate() {
        rows.push(None);
        if let Entry::Vacant(slot) = position.entry(owner.id) {
            keys.push(owner.id);
            slot.insert(i);
        }
    }
    let json = serde_json::to_string(&keys).expect("integers serialize");
    stmt.run(Some(&json), |row| {
        let profile = row.profile(0);
        let Some(&i) = profile.user_id.as_ref().and_then(|fk| position.get(fk)) else {
            return;
        };
        let slot = &mut rows[i];
        if slot.as_ref().is_none_or(|held| profile.id < held.id) {
            *slot = Some(profile);
        }
    });
    rows
}

/// The eager load's result by hand: `stmt` is the library's statement text (its one
/// parameter, the subquery's `LIMIT`, bound to 1), every owner with its row or `None`.
pub fn eager(stmt: &mut Stmt) -> Vec<(User, Option<Profile>)> {
    let mut out = Vec::new();
    stmt.bind_int(1, 1);
    stmt.run(None, |row| {
        let user = User {
            id: row.int(0),
            name: row.text(1),
        };
        let profile = (!row.is_null(2)).then(|| row.profile(2));
        out.push((user, profile));
    });
    out
}
