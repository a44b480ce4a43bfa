// `#[derive(Key)]` on a struct that is not a newtype (a composite key): one error naming
// the shape it needs.
#[derive(Clone, PartialEq, Eq, Hash, diesel_has_one::Key)]
pub struct TenantUser(pub i64, pub i64);

fn main() {}
