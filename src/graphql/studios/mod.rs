//! Studios and mentoring over GraphQL, one file a part:
//!
//! - `types.rs`: the API types (Studio, StudioMember, MentoringPair, MentoringActivity,
//!   StudioAssessment, StudioQuota, StudioOutput, OutputCount) and how they load through the dataloaders
//! - `query.rs`: `studio` and `studios`
//! - `mutation.rs`: the studio and mentoring mutations
//! - `inputs.rs`: the mutations' input objects and payload
//!
//! The types are re-exported here, so the rest of the API names them `studios::Studio`.

mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::{
    AddStudioMemberInput, AssessStudioInput, AssessedStudio, CreateMentoringPairInput,
    CreateStudioInput, LogMentoringActivityInput, StudioOutputInput,
};
pub use mutation::StudioMutation;
pub use query::StudioQuery;
pub use types::{
    ActivityTotal, Conversion, ConvertedPerson, CountyConversion, MentoringActivity, MentoringPair,
    OutputCount, Studio, StudioAssessment, StudioConnection, StudioEdge, StudioMember,
    StudioOutput, StudioQuota,
};
