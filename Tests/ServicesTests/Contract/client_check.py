"""Uses the clients openapi-python-client generated from ingestion's and integrations'
documents, as a UI team would: upload a document, read its job, queue a webhook delivery and
read it back, through the typed models only. Prints what it saw as JSON.

Usage: client_check.py CLIENTS_DIR INGESTION_URL INTEGRATIONS_URL API_KEY WEBHOOK_TARGET
"""
import json
import sys
import uuid

clients, ingestion_url, integrations_url, key, target = sys.argv[1:6]
sys.path.insert(0, clients)

from ingestion_client import AuthenticatedClient as IngestionClient  # noqa: E402
from ingestion_client.api.default import get_v1_jobs_by_id, post_v1_documents  # noqa: E402
from ingestion_client.models import JobView, NewDocument, NewDocumentMetadataType0, UploadAccepted  # noqa: E402
from integrations_client import AuthenticatedClient as IntegrationsClient  # noqa: E402
from integrations_client.api.default import get_v1_deliveries_by_id, post_v1_deliveries  # noqa: E402
from integrations_client.models import DeliveryQueued, DeliveryRequest, DeliveryRequestProvider, DeliveryView  # noqa: E402

ingestion = IngestionClient(base_url=ingestion_url, token=key)
metadata = NewDocumentMetadataType0.from_dict({"source": "generated client"})
accepted = post_v1_documents.sync(
    client=ingestion,
    body=NewDocument(title="Typed upload", text="Uploaded through a generated client.", metadata=metadata),
    idempotency_key=str(uuid.uuid4()),
)
assert isinstance(accepted, UploadAccepted), accepted
job = get_v1_jobs_by_id.sync(str(accepted.job_id), client=ingestion)
assert isinstance(job, JobView), job

integrations = IntegrationsClient(base_url=integrations_url, token=key)
queued = post_v1_deliveries.sync(
    client=integrations,
    body=DeliveryRequest(provider=DeliveryRequestProvider.WEBHOOK, target=target, message="from a generated client"),
    idempotency_key=str(uuid.uuid4()),
)
assert isinstance(queued, DeliveryQueued), queued
delivery = get_v1_deliveries_by_id.sync(str(queued.id), client=integrations)
assert isinstance(delivery, DeliveryView), delivery

print(json.dumps({
    "item_id": str(accepted.item_id),
    "job_id": str(job.id),
    "job_item_id": str(job.item_id),
    "job_status": job.status.value,
    "delivery_id": str(delivery.id),
    "queued_id": str(queued.id),
    "delivery_provider": delivery.provider,
    "delivery_target": delivery.target,
    "delivery_status": delivery.status.value,
}))
