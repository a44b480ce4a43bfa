//! The `dependent` and `touch` of every association of a model, run when the model is
//! destroyed: the model's derive names its associations once, as a tuple of markers, and
//! this walks it (so a model's generated code does not grow with its associations).

use std::future::{ready, Future};

use crate::association::{Statements, Touch};
use crate::dependent::{on_destroy, on_destroy_with, DestroyRow};
use crate::error::Error;
use crate::jobs::InsertsJob;
use crate::model::{Model, Persist};

/// The associations of `Owner`, as a tuple of association markers.
pub trait Dependents<Owner, C> {
    /// Whether there is no association (its owner's destroy does nothing for them).
    const NONE: bool = false;
    /// Each association's `dependent`, then its `touch`, in declaration order.
    fn on_destroy(owner: &Owner, conn: &mut C) -> impl Future<Output = Result<(), Error>> + Send;
}

impl<Owner, C> Dependents<Owner, C> for () {
    const NONE: bool = true;
    fn on_destroy(_owner: &Owner, _conn: &mut C) -> impl Future<Output = Result<(), Error>> + Send {
        ready(Ok(()))
    }
}

/// The associations of `Owner` whose target is `Owner` itself (`Employee has_one
/// :assistant, class_name: "Employee"`), walked with the owner's own destroy, `destroy`,
/// so that `Persist` for the model does not require itself.
pub trait OwnDependents<Owner, C> {
    /// Whether there is no association (its owner's destroy does nothing for them).
    const NONE: bool = false;
    /// Each association's `dependent` (its rows destroyed with `destroy`), then its `touch`.
    fn on_destroy(
        owner: &Owner,
        conn: &mut C,
        destroy: DestroyRow<Owner, C>,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

impl<Owner, C> OwnDependents<Owner, C> for () {
    const NONE: bool = true;
    fn on_destroy(
        _owner: &Owner,
        _conn: &mut C,
        _destroy: DestroyRow<Owner, C>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        ready(Ok(()))
    }
}

macro_rules! tuples {
    ($($a:ident)+) => {
        impl<Owner: Model, C, $($a),+> OwnDependents<Owner, C> for ($($a,)+)
        where
            C: InsertsJob,
            $($a: Statements<C, Owner = Owner, Target = Owner> + Touch<C>,)+
        {
            async fn on_destroy(owner: &Owner, conn: &mut C, destroy: DestroyRow<Owner, C>) -> Result<(), Error> {
                $(
                    on_destroy_with::<$a, C, _>(owner, conn, destroy).await?;
                    $a::touch(owner, conn).await?;
                )+
                Ok(())
            }
        }

        impl<Owner: Model, C, $($a),+> Dependents<Owner, C> for ($($a,)+)
        where
            C: InsertsJob,
            $($a: Statements<C, Owner = Owner> + Touch<C>, $a::Target: Persist<C>,)+
        {
            async fn on_destroy(owner: &Owner, conn: &mut C) -> Result<(), Error> {
                $(
                    on_destroy::<$a, C>(owner, conn).await?;
                    $a::touch(owner, conn).await?;
                )+
                Ok(())
            }
        }
    };
}

tuples!(A1);
tuples!(A1 A2);
tuples!(A1 A2 A3);
tuples!(A1 A2 A3 A4);
tuples!(A1 A2 A3 A4 A5);
tuples!(A1 A2 A3 A4 A5 A6);
tuples!(A1 A2 A3 A4 A5 A6 A7);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16);
