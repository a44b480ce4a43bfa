// `#[derive(Key)]` without Diesel's `#[diesel(sql_type = …)]`: one error saying what to add.
#[derive(Clone, PartialEq, Eq, Hash, diesel_has_one::Key)]
pub struct UserId(pub i64);

fn main() {}
