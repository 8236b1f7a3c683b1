from smartkampung.core.audit import Actor
from smartkampung.core.commands import DomainCommand
from smartkampung.core.demo import demo_users_create
from smartkampung.core.models import Role


class Command(DomainCommand):
    help = "Create one demo login per role (public passwords: for a demo only) and print them."

    def handle(self, *args, **options):
        rows = demo_users_create(actor=Actor.system("demo_users"))
        self.stdout.write("Demo logins (password = demo-<username>; for a local demo only):")
        for login, area in rows:
            self.stdout.write(f"  {login.username:<20} {login.password:<26} {Role(login.role).label:<26} {area.name}")
