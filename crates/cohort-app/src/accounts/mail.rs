//! Mail about accounts: invitations, password resets and address confirmation.

use crate::mail::Message;

/// An administrator invited someone to join as staff.
pub struct Invitation<'a> {
    pub name: &'a str,
    /// The roles, written for people ("Recruiter and Interviewer").
    pub roles: &'a str,
    pub link: &'a str,
    pub valid_days: i64,
}

impl Message for Invitation<'_> {
    const TEMPLATE: &'static str = "invitation";

    fn subject(&self) -> String {
        "You are invited to Cohort".to_owned()
    }

    fn body(&self) -> String {
        let Invitation {
            name,
            roles,
            link,
            valid_days,
        } = self;
        format!("Hello {name},\n\nYou have been invited to Cohort as {roles}. Choose your password here (the link works for {valid_days} days):\n\n{link}\n\nIf you did not expect this, ignore this message.\n")
    }
}

/// Someone asked for a new password.
pub struct PasswordReset<'a> {
    pub name: &'a str,
    pub link: &'a str,
}

impl Message for PasswordReset<'_> {
    const TEMPLATE: &'static str = "password_reset";

    fn subject(&self) -> String {
        "Reset your Cohort password".to_owned()
    }

    fn body(&self) -> String {
        let PasswordReset { name, link } = self;
        format!("Hello {name},\n\nSomeone asked to reset the password of your Cohort account. Choose a new password here (the link works for one hour, once):\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n")
    }
}

/// A new account's address has to be confirmed before it can apply or hold a staff role.
pub struct ConfirmEmail<'a> {
    pub name: &'a str,
    pub link: &'a str,
    pub valid_hours: i64,
}

impl Message for ConfirmEmail<'_> {
    const TEMPLATE: &'static str = "confirm_email";

    fn subject(&self) -> String {
        "Confirm your email address for Cohort".to_owned()
    }

    fn body(&self) -> String {
        let ConfirmEmail {
            name,
            link,
            valid_hours,
        } = self;
        format!("Hello {name},\n\nSomeone created a Cohort account with this address. If it was you, confirm the address here (the link works for {valid_hours} hours, once; you will be asked for the account's password):\n\n{link}\n\nUntil the address is confirmed the account cannot apply.\n\nIf it was not you, ignore this message: without this link nobody can use your address to apply or to join as staff.\n")
    }
}

/// Someone signed up with an address that already has an account. Sign-up answers the same
/// either way; only the owner of the address learns which it was.
pub struct SignupExistingAccount<'a> {
    pub name: &'a str,
    pub sign_in_link: &'a str,
    pub reset_link: &'a str,
}

impl Message for SignupExistingAccount<'_> {
    const TEMPLATE: &'static str = "signup_existing_account";

    fn subject(&self) -> String {
        "You already have a Cohort account".to_owned()
    }

    fn body(&self) -> String {
        let SignupExistingAccount {
            name,
            sign_in_link,
            reset_link,
        } = self;
        format!("Hello {name},\n\nSomeone tried to create a Cohort account with this address, which already has one. If it was you, sign in instead:\n\n{sign_in_link}\n\nForgot the password? Choose a new one here:\n\n{reset_link}\n\nIf it was not you, ignore this message: nothing has changed.\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::test_support::assert_well_formed;

    #[test]
    fn an_invitation_names_the_roles_the_link_and_how_long_it_works() {
        let message = Invitation {
            name: "Grace Hopper",
            roles: "Recruiter and Interviewer",
            link: "https://cohort.example/invitations/abc",
            valid_days: 7,
        };
        assert_well_formed(&message, "Grace Hopper");
        let body = message.body();
        assert!(body.contains("as Recruiter and Interviewer."));
        assert!(body.contains("\n\nhttps://cohort.example/invitations/abc\n\n"));
        assert!(body.contains("works for 7 days"));
        let row = message.to("grace@example.com");
        assert_eq!(
            (row.template.as_str(), row.recipient.as_str()),
            ("invitation", "grace@example.com")
        );
    }

    #[test]
    fn a_password_reset_gives_the_link_and_says_nothing_changes_without_it() {
        let message = PasswordReset {
            name: "Alan",
            link: "https://cohort.example/reset/xyz",
        };
        assert_well_formed(&message, "Alan");
        assert_eq!(message.subject(), "Reset your Cohort password");
        assert!(message
            .body()
            .contains("\n\nhttps://cohort.example/reset/xyz\n\n"));
        assert!(message.body().contains("your password stays as it is"));
    }

    #[test]
    fn an_address_confirmation_gives_the_link_and_its_lifetime() {
        let message = ConfirmEmail {
            name: "Ada",
            link: "https://cohort.example/confirm/t",
            valid_hours: 48,
        };
        assert_well_formed(&message, "Ada");
        assert!(message.body().contains("works for 48 hours, once"));
        assert!(message
            .body()
            .contains("\n\nhttps://cohort.example/confirm/t\n\n"));
    }

    #[test]
    fn a_second_sign_up_offers_sign_in_and_reset_in_that_order() {
        let message = SignupExistingAccount {
            name: "Ada",
            sign_in_link: "https://cohort.example/login",
            reset_link: "https://cohort.example/reset",
        };
        assert_well_formed(&message, "Ada");
        let body = message.body();
        let sign_in = body.find("https://cohort.example/login").unwrap();
        let reset = body.find("https://cohort.example/reset\n").unwrap();
        assert!(sign_in < reset);
    }
}
