from __future__ import annotations

import datetime

import factory

from exams.models import Exam, ExamResult


class ExamResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamResult

    applicant = factory.SubFactory("applicants.tests.factories.ApplicantFactory")
    exam = Exam.STEP1
    test_date = datetime.date(2025, 6, 1)
    outcome = ExamResult.Outcome.PASS
    score = 240
