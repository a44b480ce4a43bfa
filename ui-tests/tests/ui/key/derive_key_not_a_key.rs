// `#[derive(Key)]` around a type that is no key (`u64`: Diesel has no unsigned SQL type
// on SQLite and PostgreSQL): one error naming the wrapped type and the keys there are.
use diesel::expression::AsExpression;
use diesel::sql_types::BigInt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, AsExpression, diesel_has_one::Key)]
#[diesel(sql_type = BigInt)]
pub struct Count(pub u64);

fn main() {}
