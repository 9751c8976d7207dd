from django import forms

from .choices import Role
from .models import Region, User


class AccountCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, strip=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    region = forms.ModelChoiceField(
        label="所属区域（区县用户）", queryset=Region.objects.none(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label="所属企业（企业填报员）", queryset=User.enterprise_model().objects.none(), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["enterprise"].queryset = (
            User.enterprise_model().objects.visible_to(actor).select_related("region")
        )
        if actor.role == Role.DISTRICT:
            self.fields["role"].choices = [(Role.ENTERPRISE, Role.ENTERPRISE.label)]
            del self.fields["region"]


class AccountUpdateForm(forms.Form):
    is_active = forms.BooleanField(label="启用", required=False)
    password = forms.CharField(
        label="重置密码（留空则不修改）", widget=forms.PasswordInput, strip=False, required=False
    )
