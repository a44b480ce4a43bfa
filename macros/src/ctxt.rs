//! Collects every error of one derive so the user sees all of them in one build.

/// Errors found so far; [`Ctxt::finish`] turns them into one combined `syn::Error`.
#[derive(Default)]
pub struct Ctxt {
    errors: Option<syn::Error>,
}

impl Ctxt {
    /// Records an error spanned on `tokens`.
    pub fn error(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error.
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(all) => all.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// Keeps the value, or records the error and returns `None`.
    pub fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    /// `Ok(value)` when no error was recorded.
    pub fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.errors {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}
