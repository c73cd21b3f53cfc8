import IngestionService
import ServiceKit

await ServiceMain.run(IngestionService.definition)
