import RAGService
import ServiceKit

await ServiceMain.run(RAGService.definition)
