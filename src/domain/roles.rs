//! Who may do what: the role matrix of the API contract, as one table that every service
//! function consults, so the rule is the same from GraphQL, the command line and imports.

use uuid::Uuid;

use super::Role;

/// Something a request may want to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read teachers (masked), schools, designations, counts.
    ReadRegistry,
    /// See ID numbers and birth dates unmasked.
    ReadPersonalData,
    /// Change schools, enrollments, teachers, designations, reserve pools.
    WriteRegistry,
    /// Create and manage users.
    ManageUsers,
    /// Read the audit trail.
    ReadAudit,
    /// Create, establish, close and assess studios; run any studio's members, pairs and
    /// activities.
    ManageStudios,
    /// Run members, pairs and activities of the studios where one's own teacher is the host
    /// in force (the scope itself is checked against the data).
    RunOwnStudio,
    /// Create, change and retire targets.
    ManageTargets,
    /// Read the balanced-development indicators.
    ReadBalance,
}

impl Role {
    /// The role matrix of `api-contract.md`.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ReadRegistry => true,
            ReadPersonalData | WriteRegistry => matches!(self, Role::Admin | Role::Hr),
            ManageUsers | ReadAudit => self == Role::Admin,
            ManageStudios => matches!(self, Role::Admin | Role::Hr),
            RunOwnStudio => self == Role::StudioHost,
            ManageTargets => self == Role::Admin,
            ReadBalance => self != Role::StudioHost,
        }
    }
}

/// The authenticated user behind a request or a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub teacher_id: Option<Uuid>,
    /// The token the request came with (`None` for the command line).
    pub token_id: Option<Uuid>,
}

impl Actor {
    pub fn can(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_matrix() {
        use Permission::*;
        let table = [
            (Role::Admin, [true, true, true, true, true]),
            (Role::Hr, [true, true, true, false, false]),
            (Role::Leader, [true, false, false, false, false]),
            (Role::StudioHost, [true, false, false, false, false]),
        ];
        for (role, expected) in table {
            let got = [
                ReadRegistry,
                ReadPersonalData,
                WriteRegistry,
                ManageUsers,
                ReadAudit,
            ]
            .map(|p| role.allows(p));
            assert_eq!(got, expected, "{role}");
        }
    }
}
