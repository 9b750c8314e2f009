import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_deleted_sources'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The answers written so far are English; new ones default to Chinese.
        migrations.AddField(
            model_name='answer',
            name='language',
            field=models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='en', max_length=10, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='answer',
            name='language',
            field=models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=10, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='answer',
            name='translation',
            field=models.OneToOneField(blank=True, help_text='The same answer in the other language.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.answer', verbose_name='translation'),
        ),
        migrations.AddField(
            model_name='topic',
            name='description_zh',
            field=models.TextField(blank=True, verbose_name='description (Chinese)'),
        ),
        migrations.AddField(
            model_name='topic',
            name='title_zh',
            field=models.CharField(blank=True, max_length=200, verbose_name='title (Chinese)'),
        ),
        migrations.AlterField(
            model_name='topic',
            name='description',
            field=models.TextField(blank=True, verbose_name='description (English)'),
        ),
        migrations.AlterField(
            model_name='topic',
            name='title',
            field=models.CharField(max_length=200, unique=True, verbose_name='title (English)'),
        ),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.CheckConstraint(condition=models.Q(('translation', models.F('pk')), _negated=True), name='answer_translation_not_itself'),
        ),
    ]
