//! The shop's logs as columnar data: customer ids, transactions, events and feedback.
//!
//! Raw ids (strings or integers) are mapped once to dense `u32` codes by a
//! [`CustomerIndex`]; every log stores contiguous columns of those codes, UTC timestamps in
//! seconds since the Unix epoch, and values. [`Logs`] puts the three logs on one index and
//! [`Groups`] walks them customer by customer.

#[macro_use]
mod macros;

pub mod coded;
pub mod columns;
pub mod csv;
pub mod datasets;
pub mod events;
pub mod feedback;
pub mod group;
pub mod ids;
pub mod ids_buffers;
mod intern_par;
pub mod logs;
pub mod synthetic;
pub mod time;
pub mod transactions;

pub use columns::{Categorical, MISSING, TimeColumn};
pub use events::{EventKind, Events, EventsBuilder, STANDARD_KINDS};
pub use feedback::{Feedback, FeedbackBuilder, ScoreScale};
pub use group::Groups;
pub use ids::{CustomerIndex, CustomerKey, IdColumn};
pub use logs::Logs;
pub use time::{TimeFormat, TimeUnit};
pub use transactions::{Transactions, TransactionsBuilder};
