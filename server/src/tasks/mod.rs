//! Tasks from directives (issue 13): what a letter asks of which unit, by when, followed to
//! its deadline. Their deadlines are read from the directives' own wording ([`deadline`]).

pub mod deadline;
