from django.contrib.auth import get_user_model

from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand, bad_input
from smartkampung.core.models import ApiToken
from smartkampung.core.services import token_issue, token_revoke


class Command(DomainCommand):
    help = "Issue, list and revoke staff API bearer tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a token; the secret is printed once")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="what the token is for")
        listing = sub.add_parser("list", help="active tokens")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        actor = Actor.system("token")
        if action == "issue":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise bad_input(f"No user {options['username']!r}")
            token, secret = token_issue(actor=actor, user=user, name=options["name"])
            self.stdout.write(secret)
        elif action == "list":
            tokens = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")
            if options.get("username"):
                tokens = tokens.filter(user__username=options["username"])
            for t in tokens.order_by("created_at"):
                self.stdout.write(f"{t.prefix}  {t.user.username:<20} {t.name:<30} created {t.created_at:%Y-%m-%d} last used {t.last_used_at or '-'}")
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True))
            if len(matches) != 1:
                raise bad_input(f"{len(matches)} active tokens have the prefix {options['prefix']!r}; give the 10-character prefix from `token list`")
            token_revoke(actor=actor, token=matches[0])
            self.stdout.write(f"Revoked {matches[0].prefix}.")
