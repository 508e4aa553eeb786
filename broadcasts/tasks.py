"""Background tasks of broadcasts, run by the task worker (`manage.py db_worker`; at once, inside the
request, with the immediate backend). The work itself is in the service modules."""

from django_tasks import task

from broadcasts.speech import audio_produce


@task()
def produce_speech_audio(audio_id: int, source: dict) -> str:
    """Make one `SpeechAudio` from its source (`speech.SpeechSource.as_task_args()`); never raises:
    a failure is recorded on the row for the editor."""
    return audio_produce(audio_id=audio_id, source=source)
