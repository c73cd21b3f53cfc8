import ASRService
import ServiceKit

await ServiceMain.run(ASRService.definition)
