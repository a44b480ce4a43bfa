//! An axum service on diesel-async (issue 11): users and their profile, every endpoint
//! one association method on a pooled async connection — deadpool's, handed out as it
//! is — over SQLite through diesel-async's `SyncConnectionWrapper`, so it runs with
//! nothing installed:
//!
//! | endpoint | method |
//! |---|---|
//! | `POST /users` `{"name": …}` | a plain diesel-async insert |
//! | `GET /users/{id}/profile` | the reader, `user.profile(&mut conn).await` |
//! | `PUT /users/{id}/profile` `{"bio": …}` | `user.create_profile(values, &mut conn).await`: the old profile destroyed, the new one linked, in one transaction |
//! | `DELETE /users/{id}/profile` | `user.set_profile(None, &mut conn).await` |
//! | `DELETE /users/{id}` | `user.destroy(&mut conn).await`, its profile with it (`dependent = "destroy"`) |
//!
//! `cargo run --example axum --features async,deadpool` serves on 127.0.0.1:3000 (or the
//! address in `ADDR`) until stopped; `tests/axum_example.rs` runs the same router on a
//! free port and calls every endpoint over HTTP, checking the rows left.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use diesel::prelude::*;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use diesel_has_one::Model;
use serde::{Deserialize, Serialize};

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

/// A user, who has one profile.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy")]
pub struct User {
    pub id: i32,
    pub name: String,
}

/// A user's profile.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

/// The body of `POST /users`.
#[derive(Deserialize, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub name: String,
}

/// The body of `PUT /users/{id}/profile`: the new profile's values.
#[derive(Deserialize, Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile {
    pub bio: String,
}

/// SQLite on tokio's blocking threads, as diesel-async runs it.
pub type Conn = SyncConnectionWrapper<SqliteConnection>;

/// The connections the handlers share.
pub type Db = Pool<Conn>;

/// The schema, created on the first connection.
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS profiles (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER REFERENCES users (id), bio TEXT NOT NULL);
    CREATE UNIQUE INDEX IF NOT EXISTS profiles_user_id ON profiles (user_id);";

/// A pool of connections to the SQLite file at `path`, with the schema created.
pub async fn pool(path: &str) -> Db {
    let pool = Pool::builder(AsyncDieselConnectionManager::<Conn>::new(path))
        .max_size(4)
        .build()
        .expect("a deadpool pool");
    let mut conn = pool.get().await.expect("a connection");
    let setup = format!("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; {SCHEMA}");
    conn.batch_execute(&setup).await.expect("the schema");
    pool
}

/// Every endpoint, on pool `db`.
pub fn router(db: Db) -> Router {
    Router::new()
        .route("/users", post(create_user))
        .route("/users/{id}", axum::routing::delete(destroy_user))
        .route(
            "/users/{id}/profile",
            get(read_profile)
                .put(replace_profile)
                .delete(remove_profile),
        )
        .with_state(db)
}

/// What a handler answers when something fails: the status and the error's text.
type Failure = (StatusCode, String);

fn failed(e: impl std::fmt::Display) -> Failure {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// The user with key `id`, on a connection of `db` (404 if there is none).
async fn user(
    db: &Db,
    id: i32,
) -> Result<
    (
        User,
        diesel_async::pooled_connection::deadpool::Object<Conn>,
    ),
    Failure,
> {
    let mut conn = db.get().await.map_err(failed)?;
    let found = users::table
        .find(id)
        .select(User::as_select())
        .first(&mut conn)
        .await;
    match found.optional().map_err(failed)? {
        Some(user) => Ok((user, conn)),
        None => Err((StatusCode::NOT_FOUND, format!("no user {id}"))),
    }
}

async fn create_user(
    State(db): State<Db>,
    Json(new): Json<NewUser>,
) -> Result<(StatusCode, Json<User>), Failure> {
    let mut conn = db.get().await.map_err(failed)?;
    let insert = diesel::insert_into(users::table)
        .values(&new)
        .returning(User::as_returning());
    let user = insert.get_result(&mut conn).await.map_err(failed)?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn read_profile(State(db): State<Db>, Path(id): Path<i32>) -> Result<Json<Profile>, Failure> {
    let (user, mut conn) = user(&db, id).await?;
    match user.profile(&mut conn).await.map_err(failed)? {
        Some(profile) => Ok(Json(profile)),
        None => Err((StatusCode::NOT_FOUND, format!("user {id} has no profile"))),
    }
}

async fn replace_profile(
    State(db): State<Db>,
    Path(id): Path<i32>,
    Json(new): Json<NewProfile>,
) -> Result<Json<Profile>, Failure> {
    let (user, mut conn) = user(&db, id).await?;
    let profile = user.create_profile(new, &mut conn).await.map_err(failed)?;
    Ok(Json(profile))
}

async fn remove_profile(State(db): State<Db>, Path(id): Path<i32>) -> Result<StatusCode, Failure> {
    let (user, mut conn) = user(&db, id).await?;
    user.set_profile(None, &mut conn).await.map_err(failed)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn destroy_user(State(db): State<Db>, Path(id): Path<i32>) -> Result<StatusCode, Failure> {
    let (user, mut conn) = user(&db, id).await?;
    user.destroy(&mut conn).await.map_err(failed)?;
    Ok(StatusCode::NO_CONTENT)
}

#[allow(dead_code)] // the test includes this file for its router and runs its own server
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let path = std::env::temp_dir().join("diesel_has_one_axum_example.db");
    let db = pool(&path.to_string_lossy()).await;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("a free address");
    println!("serving on http://{addr} (database {})", path.display());
    axum::serve(listener, router(db)).await.expect("the server");
}
