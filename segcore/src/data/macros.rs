//! Macros that write the accessors and builder setters the three logs share.

/// The row-count, customer and time accessors of a log (inside its `impl` block), each with
/// a doc example built from `$example`: a builder of one row of customer `$label` at time
/// `$ts`.
macro_rules! log_accessors {
    ($example:literal, $label:literal, $ts:literal) => {
        #[doc = concat!("Number of rows.\n\n```\n# let log = ", $example,
            ".build().unwrap();\nassert_eq!(log.len(), 1);\n```")]
        pub fn len(&self) -> usize {
            self.customer.len()
        }

        #[doc = concat!("Always false: a log without rows is refused at build time.\n\n```\n# let log = ",
            $example, ".build().unwrap();\nassert!(!log.is_empty());\n```")]
        pub fn is_empty(&self) -> bool {
            self.customer.is_empty()
        }

        #[doc = concat!("The customer index.\n\n```\n# let log = ", $example,
            ".build().unwrap();\nassert_eq!(log.customers().label(0), \"", $label, "\");\n```")]
        pub fn customers(&self) -> &CustomerIndex {
            &self.customers
        }

        #[doc = concat!("Dense customer code per row.\n\n```\n# let log = ", $example,
            ".build().unwrap();\nassert_eq!(log.customer(), &[0]);\n```")]
        pub fn customer(&self) -> &[u32] {
            &self.customer
        }

        #[doc = concat!("UTC seconds per row.\n\n```\n# let log = ", $example,
            ".build().unwrap();\nassert_eq!(log.timestamp(), &[", stringify!($ts), "]);\n```")]
        pub fn timestamp(&self) -> &[i64] {
            &self.timestamp
        }

        /// Replaces the customer index by a larger one (`remap[old code] = new code`).
        pub(crate) fn reindex(&mut self, index: CustomerIndex, remap: &[u32]) {
            for c in self.customer.iter_mut() {
                *c = remap[*c as usize];
            }
            self.customers = index;
        }
    };
}

/// Setters of a builder's optional columns (inside its `impl` block): `name: text` takes
/// any `Vec<S: Into<String>>`, `name: T` a `Vec<T>`. Doc comments are passed through.
macro_rules! column_setters {
    ($($(#[$doc:meta])* $name:ident: $kind:tt),* $(,)?) => {
        $(column_setters!(@one $(#[$doc])* $name: $kind);)*
    };
    (@one $(#[$doc:meta])* $name:ident: text) => {
        $(#[$doc])*
        pub fn $name(mut self, v: impl Into<$crate::data::coded::TextColumn>) -> Self {
            self.$name = Some(v.into());
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident: $t:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, v: Vec<$t>) -> Self {
            self.$name = Some(v);
            self
        }
    };
}
