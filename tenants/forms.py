from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tenants.services import check_slug_available
from tenants.slugs import normalize_slug
from wms.validation import TextField


class SignupForm(forms.Form):
    company_name = TextField(max_length=120)
    slug = TextField(
        max_length=32,
        label="Address",
        help_text="Your site's address: <slug>.fluxvantage. Lowercase letters, digits, hyphens.",
    )
    admin_email = forms.EmailField(label="Your e-mail (the first admin)")
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)

    def clean_slug(self) -> str:
        slug = normalize_slug(self.cleaned_data["slug"])
        check_slug_available(slug)
        return slug

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return password
