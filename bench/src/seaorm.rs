//! SeaORM contender: hand-written entities for the same `users` / `profiles` tables, and
//! the same reads (reader, preload, eager load) on the same SQLite file, through sqlx.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr, EntityTrait, LoaderTrait, ModelTrait,
    QueryOrder,
};

/// `users` as a SeaORM entity: `has_one` profile.
pub mod user {
    use sea_orm::entity::prelude::*;

    /// A row of `users`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// Any text.
        pub name: String,
    }

    /// Relations of `users`.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// `has_one` profile.
        #[sea_orm(has_one = "super::profile::Entity")]
        Profile,
    }

    impl Related<super::profile::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Profile.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `profiles` as a SeaORM entity: `belongs_to` user.
pub mod profile {
    use sea_orm::entity::prelude::*;

    /// A row of `profiles`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "profiles")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// Foreign key to `users.id`.
        pub user_id: Option<i32>,
        /// Any text.
        pub bio: String,
    }

    /// Relations of `profiles`.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// `belongs_to` user.
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id"
        )]
        User,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A single-connection SeaORM pool on the SQLite file at `path` (sqlx logging off), so it
/// runs on one connection like the Diesel contenders.
pub async fn connect(path: &Path) -> Result<DatabaseConnection, DbErr> {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    Database::connect(options).await
}

/// Counts the statements a SeaORM connection runs (through its metric callback).
pub fn count_statements(db: &mut DatabaseConnection) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let inner = count.clone();
    db.set_metric_callback(move |_info| {
        inner.fetch_add(1, Ordering::Relaxed);
    });
    count
}

/// The reader: `find_related` ordered by primary key, `.one()` (`LIMIT 1`).
pub async fn reader(
    user: &user::Model,
    db: &DatabaseConnection,
) -> Result<Option<profile::Model>, DbErr> {
    user.find_related(profile::Entity)
        .order_by_asc(profile::Column::Id)
        .one(db)
        .await
}

/// The preload: the loader's `load_one` (one `IN (…)` query), aligned with `users`.
pub async fn preload(
    users: &[user::Model],
    db: &DatabaseConnection,
) -> Result<Vec<Option<profile::Model>>, DbErr> {
    users.load_one(profile::Entity, db).await
}

/// All users, by primary key.
pub async fn all_users(db: &DatabaseConnection) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}

/// Eager load in one statement: `find_also_related` (`LEFT JOIN`), by user id.
pub async fn eager(
    db: &DatabaseConnection,
) -> Result<Vec<(user::Model, Option<profile::Model>)>, DbErr> {
    user::Entity::find()
        .find_also_related(profile::Entity)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}
