//! The contenders of the async bench (issue 11), on diesel-async connections: each
//! operation as the library runs it and as a diesel-async user writes it by hand, giving
//! the same result from the same data (bench/keyset's `users`/`profiles`, one profile per
//! user, `profiles.id = user_id`).
//!
//! - `reader`: `user.profile(conn).await` against
//!   `profiles.filter(user_id.eq(id)).order(id).select(..).first(conn).await.optional()`
//!   (the same statement: `… WHERE user_id = $1 ORDER BY id LIMIT $2`);
//! - `preload`: `User::preload_profile(&owners, conn).await` against `belonging_to` per
//!   chunk of the backend's bind limit (SQLite 32,766, MySQL 65,535; PostgreSQL one `=
//!   ANY($1)` statement), `grouped_by(&owners)`, then each owner's lowest key — what
//!   bench/client.sh measures on blocking connections.
//!
//! - `replace`: `user.create_profile(NewProfile { bio }, conn).await` (the bench's
//!   `has_one :profile` has no `dependent`: the old row is unlinked) against
//!   [`HandReplace::replace`], the same statements written with diesel-async: in one
//!   transaction, lock the owner row, unlink the linked rows (PostgreSQL and SQLite: one
//!   `UPDATE … WHERE user_id = ?`; MySQL: their keys read, locked by key, unlinked by key
//!   and link), insert the new row (`RETURNING` where the backend has it; MySQL reads it
//!   back).
//!
//! Each is a macro over the connection expression, so that one text serves the three
//! connection types (their bounds differ per backend).

pub use diesel_has_one_keyset_bench::{profiles, schema, seed_sql, users, Db, Profile, User};

/// The most owners one `belonging_to` statement takes on `db`.
pub fn chunk(db: Db) -> usize {
    match db {
        Db::Sqlite => 32_766,
        Db::Mysql => 65_535,
        Db::Postgres => usize::MAX,
    }
}

/// The owners `1..=n` (only their keys matter).
pub fn owners(n: i32) -> Vec<User> {
    (1..=n)
        .map(|id| User {
            id,
            name: String::new(),
        })
        .collect()
}

/// One run of `$op` (`"reader"` or `"preload"`) by `$contender` (`"generated"` or
/// `"hand_written"`) on async connection `$conn` of backend `$db`, for the owners
/// `$owners` (the reader reads the first one's row); the number of rows found.
#[macro_export]
macro_rules! once {
    ($db:expr, $conn:expr, $op:expr, $contender:expr, $owners:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use $crate::{profiles, Profile, User};
        let (db, conn, owners): (_, _, &[User]) = ($db, $conn, $owners);
        match ($op, $contender) {
            ("reader", "generated") => owners[0].profile(&mut *conn).await.unwrap().is_some() as usize,
            ("reader", "hand_written") => profiles::table
                .filter(profiles::user_id.eq(owners[0].id))
                .order(profiles::id)
                .select(Profile::as_select())
                .first::<Profile>(&mut *conn)
                .await
                .optional()
                .unwrap()
                .is_some() as usize,
            ("preload", "generated") => {
                let loaded = User::preload_profile(owners, &mut *conn).await.unwrap();
                loaded.iter().flatten().count()
            }
            ("preload", "hand_written") => {
                let mut rows = Vec::new();
                for part in owners.chunks($crate::chunk(db)) {
                    let query = Profile::belonging_to(part).select(Profile::as_select());
                    rows.extend(query.load::<Profile>(&mut *conn).await.unwrap());
                }
                let grouped = rows.grouped_by(owners);
                let loaded: Vec<Option<Profile>> = grouped
                    .into_iter()
                    .map(|group| group.into_iter().min_by_key(|p| p.id))
                    .collect();
                loaded.iter().flatten().count()
            }
            ("replace", "generated") => {
                let values = $crate::NewProfile { bio: "replaced" };
                owners[0].create_profile(values, &mut *conn).await.unwrap().id as usize
            }
            ("replace", "hand_written") => {
                $crate::HandReplace::replace(&mut *conn, owners[0].id, "replaced").await.unwrap().id as usize
            }
            other => panic!("unknown operation and contender {other:?}"),
        }
    }};
}

/// Runs `$body` (blocking code) with `$conn` bound to an async connection of `$db` on the
/// bench's own database, established on tokio runtime `$runtime`; `$body` drives the
/// connection's futures with `$runtime.block_on`.
#[macro_export]
macro_rules! with_async_connection {
    ($runtime:expr, $db:expr, |$conn:ident| $body:expr) => {{
        use diesel_async::AsyncConnection;
        let runtime: &tokio::runtime::Runtime = $runtime;
        match $db {
            $crate::Db::Mysql => {
                let url = $crate::mysql_url();
                let connecting = diesel_async::AsyncMysqlConnection::establish(&url);
                let $conn = &mut runtime.block_on(connecting).unwrap();
                $body
            }
            $crate::Db::Postgres => {
                let url = format!("{}?options=-csearch_path%3Ddho_async_bench", $crate::pg_url());
                let connecting = diesel_async::AsyncPgConnection::establish(&url);
                let $conn = &mut runtime.block_on(connecting).unwrap();
                $body
            }
            $crate::Db::Sqlite => {
                type Wrapped = diesel_async::sync_connection_wrapper::SyncConnectionWrapper<
                    diesel::SqliteConnection,
                >;
                let path = $crate::sqlite_path();
                let $conn = &mut runtime.block_on(Wrapped::establish(&path)).unwrap();
                $body
            }
        }
    }};
}

/// A current-thread tokio runtime (diesel-async's SQLite wrapper uses its blocking pool).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// MariaDB's database of this bench.
pub fn mysql_url() -> String {
    let server = std::env::var("MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    format!("{server}/dho_async_bench")
}

/// The PostgreSQL database (the bench's tables live in schema `dho_async_bench`).
pub fn pg_url() -> String {
    std::env::var("PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The SQLite file of this bench.
pub fn sqlite_path() -> String {
    std::env::temp_dir().join("dho_async_bench.db").to_string_lossy().into_owned()
}

/// Creates the tables on `db` and seeds `owners` users with one profile each, through a
/// blocking connection.
pub fn seed(db: Db, owners: i32) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let sql = format!("{}\n{}", schema(db), seed_sql(db, owners));
    match db {
        Db::Mysql => {
            let server = std::env::var("MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
            let admin = &mut diesel::MysqlConnection::establish(&server).expect("MariaDB (scripts/services.sh)");
            admin.batch_execute("CREATE DATABASE IF NOT EXISTS dho_async_bench").unwrap();
            let conn = &mut diesel::MysqlConnection::establish(&mysql_url()).unwrap();
            conn.batch_execute("SET SESSION max_recursive_iterations = 100000000").unwrap();
            conn.batch_execute(&sql).unwrap();
        }
        Db::Postgres => {
            let conn = &mut diesel::PgConnection::establish(&pg_url()).expect("PostgreSQL (scripts/services.sh)");
            conn.batch_execute("SET client_min_messages = warning; CREATE SCHEMA IF NOT EXISTS dho_async_bench; SET search_path TO dho_async_bench").unwrap();
            for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
                conn.batch_execute(statement).unwrap();
            }
            // the seed sets the keys: the replace's inserts take the next ones
            conn.batch_execute("SELECT setval(pg_get_serial_sequence('profiles', 'id'), (SELECT MAX(id) FROM profiles))").unwrap();
        }
        Db::Sqlite => {
            let conn = &mut diesel::SqliteConnection::establish(&sqlite_path()).unwrap();
            conn.batch_execute("PRAGMA journal_mode = WAL").unwrap();
            conn.batch_execute(&sql).unwrap();
        }
    }
}

/// The backend named `name`.
pub fn db(name: &str) -> Db {
    match name {
        "mysql" => Db::Mysql,
        "postgres" => Db::Postgres,
        "sqlite" => Db::Sqlite,
        other => panic!("unknown backend {other}"),
    }
}

/// The values of a new profile (the foreign key is set by the replace).
#[derive(diesel::Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

/// The replace of `user_id`'s profile written by hand on each diesel-async connection:
/// what a diesel-async user writes for "the owner's one row, replaced, nothing lost".
pub trait HandReplace {
    /// The new profile.
    fn replace(
        &mut self,
        user_id: i32,
        bio: &'static str,
    ) -> impl std::future::Future<Output = diesel::QueryResult<Profile>> + Send;
}

/// The body of [`HandReplace::replace`]: `$lock` locks a query's rows (`.for_update()`,
/// or nothing on SQLite, whose write transaction holds the database); `$unlink` unlinks
/// the owner's rows (one `UPDATE` through the foreign key, which locks what it changes;
/// on MySQL the keys, then those rows locked by key and unlinked by key and link, as the
/// library does for InnoDB); `$insert` inserts and returns the new row. `$begin` runs before the transaction (MySQL:
/// the library's `READ COMMITTED` for the next transaction).
macro_rules! hand_replace {
    (
        $conn:ty,
        begin: |$b:ident| $begin:expr,
        lock: |$q:ident| $lock:expr,
        unlink: |$c1:ident, $user1:ident| $unlink:expr,
        insert: |$c:ident, $values:ident, $user:ident| $insert:expr
    ) => {
        impl HandReplace for $conn {
            async fn replace(&mut self, user_id: i32, bio: &'static str) -> diesel::QueryResult<Profile> {
                use diesel::prelude::*;
                use diesel_async::{AsyncConnection, RunQueryDsl};
                let $b = &mut *self;
                $begin;
                self.transaction(async |$c: &mut Self| {
                    let $q = users::table.filter(users::id.eq(user_id)).select(users::id);
                    let owner: Vec<i32> = $lock.load($c).await?;
                    if owner.is_empty() {
                        return Err(diesel::result::Error::NotFound);
                    }
                    let ($c1, $user1) = (&mut *$c, user_id);
                    $unlink;
                    let $values = (NewProfile { bio }, profiles::user_id.eq(Some(user_id)));
                    let $user = user_id;
                    $insert
                })
                .await
            }
        }
    };
}

hand_replace!(
    diesel_async::AsyncPgConnection,
    begin: |_c| (),
    lock: |q| q.for_update(),
    unlink: |c, user| {
        let linked = profiles::table.filter(profiles::user_id.eq(user));
        diesel::update(linked).set(profiles::user_id.eq(None::<i32>)).execute(c).await?
    },
    insert: |c, values, _user| {
        let insert = diesel::insert_into(profiles::table).values(values);
        insert.returning(Profile::as_returning()).get_result(c).await
    }
);
hand_replace!(
    diesel_async::AsyncMysqlConnection,
    begin: |c| diesel_async::SimpleAsyncConnection::batch_execute(c, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED").await?,
    lock: |q| q.for_update(),
    unlink: |c, user| {
        let linked = profiles::table.filter(profiles::user_id.eq(user)).order(profiles::id);
        let keys: Vec<i32> = linked.select(profiles::id).load(c).await?;
        if !keys.is_empty() {
            let by_key = profiles::table.filter(profiles::id.eq_any(keys)).select((profiles::id, profiles::user_id));
            let locked: Vec<(i32, Option<i32>)> = by_key.for_update().load(c).await?;
            let still: Vec<i32> = locked.into_iter().filter(|(_, owner)| *owner == Some(user)).map(|(id, _)| id).collect();
            let rows = profiles::table.filter(profiles::id.eq_any(still)).filter(profiles::user_id.eq(user));
            diesel::update(rows).set(profiles::user_id.eq(None::<i32>)).execute(c).await?;
        }
    },
    insert: |c, values, user| {
        diesel::insert_into(profiles::table).values(values).execute(c).await?;
        let linked = profiles::table.filter(profiles::user_id.eq(user)).order(profiles::id);
        linked.select(Profile::as_select()).first(c).await
    }
);
hand_replace!(
    diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>,
    begin: |_c| (),
    lock: |q| q,
    unlink: |c, user| {
        let linked = profiles::table.filter(profiles::user_id.eq(user));
        diesel::update(linked).set(profiles::user_id.eq(None::<i32>)).execute(c).await?
    },
    insert: |c, values, _user| {
        let insert = diesel::insert_into(profiles::table).values(values);
        insert.returning(Profile::as_returning()).get_result(c).await
    }
);
