import IntegrationsService
import ServiceKit

await ServiceMain.run(IntegrationsService.definition)
