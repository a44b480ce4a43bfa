//! `examples/axum.rs` over real HTTP (issue 11): its router served on a free port of
//! 127.0.0.1, every endpoint called with a plain HTTP/1.1 client, and after each call the
//! rows left in the tables read back through a blocking connection to the same file.
#![cfg(all(feature = "async", feature = "deadpool", feature = "sqlite"))]

#[allow(dead_code)]
#[path = "../examples/axum.rs"]
mod app;

use diesel::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request on a new connection (`Connection: close`): the status and the body.
async fn call(addr: std::net::SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// The profiles in the table: (id, user_id, bio), by id.
fn profiles(conn: &mut SqliteConnection) -> Vec<(i32, Option<i32>, String)> {
    use app::profiles::dsl::*;
    profiles
        .order(id)
        .select((id, user_id, bio))
        .load(conn)
        .unwrap()
}

fn users(conn: &mut SqliteConnection) -> Vec<(i32, String)> {
    use app::users::dsl::*;
    users.order(id).select((id, name)).load(conn).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_over_http() {
    let dir = std::env::temp_dir().join(format!("dho_axum_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("app.db").to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&path);
    let db = app::pool(&path).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app::router(db)).await });
    let rows = &mut SqliteConnection::establish(&path).unwrap();

    assert_eq!(
        call(addr, "POST", "/users", r#"{"name":"Anna"}"#).await,
        (201, r#"{"id":1,"name":"Anna"}"#.into())
    );
    assert_eq!(call(addr, "GET", "/users/1/profile", "").await.0, 404);

    let first = call(addr, "PUT", "/users/1/profile", r#"{"bio":"first"}"#).await;
    assert_eq!(first, (200, r#"{"id":1,"user_id":1,"bio":"first"}"#.into()));
    let second = call(addr, "PUT", "/users/1/profile", r#"{"bio":"second"}"#).await;
    assert_eq!(
        second,
        (200, r#"{"id":2,"user_id":1,"bio":"second"}"#.into())
    );
    // replaced: the first destroyed (dependent = "destroy"), the second linked
    assert_eq!(profiles(rows), [(2, Some(1), "second".into())]);
    assert_eq!(
        call(addr, "GET", "/users/1/profile", "").await,
        (200, r#"{"id":2,"user_id":1,"bio":"second"}"#.into())
    );

    assert_eq!(call(addr, "DELETE", "/users/1/profile", "").await.0, 204);
    assert_eq!(profiles(rows), []);
    assert_eq!(call(addr, "GET", "/users/1/profile", "").await.0, 404);

    call(addr, "PUT", "/users/1/profile", r#"{"bio":"third"}"#).await;
    assert_eq!(call(addr, "DELETE", "/users/1", "").await.0, 204);
    assert_eq!(users(rows), []);
    assert_eq!(profiles(rows), [], "the profile went with its user");
    assert_eq!(call(addr, "DELETE", "/users/1", "").await.0, 404);
    assert_eq!(
        call(addr, "PUT", "/users/7/profile", r#"{"bio":"x"}"#)
            .await
            .0,
        404
    );
    assert_eq!(profiles(rows), [], "nothing written for a missing user");

    server.abort();
    let _ = std::fs::remove_dir_all(&dir);
}
