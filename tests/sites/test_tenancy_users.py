"""Who the tenancy layer counts as portal staff: the one-query list agrees with the per-user check."""

from django.contrib.auth.models import User

from sites.tenancy import portal_staff_users, user_is_portal_staff


def test_the_portal_staff_list_agrees_with_the_per_user_check(district):
    User.objects.create_superuser("sieuquantri", "sieu@example.vn", "matkhau-thu-nghiem")
    User.objects.create_user("nghiviec", "nghi@example.vn", "x", is_active=False, is_superuser=True)
    listed = set(portal_staff_users().values_list("username", flat=True))
    assert listed == {"quantri", "sieuquantri"}
    assert listed == {user.username for user in User.objects.all() if user_is_portal_staff(user)}
