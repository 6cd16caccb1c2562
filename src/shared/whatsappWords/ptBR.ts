import type { WhatsappWords } from './en';

/** WhatsApp's words (error codes, alerts about the number) for the desk and the board: ptBR. */
export const whatsappWordsPtBR: WhatsappWords = {
  /** WhatsApp's calling error codes in words (src/shared/callErrors.ts holds the same list in English). */
  whatsappErrors: {
    100: 'O WhatsApp recusou um valor enviado por este telefone (parâmetro inválido); os detalhes estão no registro.',
    613: 'O WhatsApp limita a frequência de consulta das permissões de chamada: aguarde um momento e tente de novo.',
    131009:
      'O WhatsApp não permite mensagens com botão de chamada a partir do país desta empresa: fale com o administrador.',
    131030:
      'Este cliente não está na lista de destinatários permitidos do número de teste: peça ao administrador para adicioná-lo.',
    131044:
      'O WhatsApp não conseguiu conectar esta chamada porque a conta comercial não tem um método de pagamento válido: peça ao administrador para adicionar um.',
    138015:
      'As chamadas não podem ser ativadas neste número até que o limite de mensagens seja de pelo menos 2.000: fale com o administrador.',
    138017: 'Este cliente já deu permissão permanente para receber chamadas: não é preciso pedir.',
    138018:
      'As chamadas não estão configuradas no WhatsApp: o app deve estar inscrito no webhook calls (ou SIP ativado): fale com o administrador.',
    190: 'O WhatsApp não aceita mais o token de acesso do telefone: peça ao administrador para colar um novo em Configurações.',
    131055:
      'Este número está configurado para chamadas SIP, então o WhatsApp recusa chamadas deste telefone: peça ao administrador para desativar o SIP.',
    131047:
      'Este cliente escreveu pela última vez há mais de 24 horas, então o WhatsApp só aceita um modelo aprovado: peça ao administrador para definir o modelo de permissão de chamada em Configurações.',
    132001:
      'O WhatsApp não conhece o modelo de permissão de chamada definido em Configurações (nome ou idioma): peça ao administrador para conferir.',
    138000: 'As chamadas não estão ativadas neste número comercial: peça ao administrador para ativá-las.',
    138001:
      'Não é possível ligar para este cliente pelo WhatsApp (não está no WhatsApp ou o app dele não aceita chamadas).',
    138002: 'O limite de chamadas simultâneas do WhatsApp para este número foi atingido: tente de novo em instantes.',
    138003: 'Já existe uma chamada em andamento com este cliente.',
    138004: 'O WhatsApp teve um problema de conexão com esta chamada: tente de novo.',
    138005: 'Muitas chamadas foram iniciadas rápido demais: aguarde um minuto e tente de novo.',
    138006: 'Este cliente não deu permissão para receber chamadas: peça permissão primeiro.',
    138007: 'A chamada não pôde ser estabelecida a tempo do lado do WhatsApp: tente de novo.',
    138008: 'O WhatsApp recusou a configuração de áudio deste telefone para a chamada; ela não pôde ser conectada.',
    138009:
      'O WhatsApp não permite mais pedidos de permissão de chamada a este cliente por enquanto (um por dia, dois por semana).',
    138012: 'O limite diário de chamadas iniciadas pela empresa foi atingido: tente mais tarde.',
    138013: 'Este número comercial não pode iniciar chamadas: fale com o administrador.',
    138014:
      'O WhatsApp pausou as chamadas neste número por enquanto devido à qualidade das chamadas: fale com o administrador.',
    138019: 'O WhatsApp do cliente não conseguiu estabelecer a chamada.',
    138020: 'O WhatsApp do cliente não conseguiu alcançar os servidores de chamadas do WhatsApp.',
    138021: 'O WhatsApp do cliente deixou de receber áudio deste telefone, então o WhatsApp encerrou a chamada.',
    138022: 'O WhatsApp do cliente não conseguiu enviar áudio, então o WhatsApp encerrou a chamada.',
    138023: 'A chamada foi atendida, mas o áudio nunca fluiu, então o WhatsApp a encerrou.',
    unknown: 'O WhatsApp informou um problema com esta chamada',
    noCode: 'O WhatsApp informou um problema com esta chamada sem dizer qual; os detalhes estão no registro.',
    withCode: '{{sentence}} (código do WhatsApp {{code}})',
  },
  /** WhatsApp's word about the business number: restrictions, warnings, changed settings. */
  accountAlerts: {
    title: 'WhatsApp sobre este número',
    restrictedBusiness: 'O WhatsApp restringiu as chamadas para clientes a partir deste número',
    restrictedUser: 'O WhatsApp restringiu as chamadas para este número',
    restrictedButton: 'O WhatsApp ocultou o botão de chamada deste número',
    restrictedCalling: 'O WhatsApp restringiu as chamadas neste número',
    until: '{{what}} até {{date}}',
    because: '{{what}}: {{reason}}.',
    plain: '{{what}}.',
    reasonLowPickup: 'muitas chamadas perdidas',
    reasonFeedback: 'muitos clientes bloquearam ou denunciaram o número',
    reasonOther: '{{reason}}',
    lowPickup:
      'O WhatsApp avisa que muitas chamadas para este número ficam sem resposta: atenda mais ou o WhatsApp vai ocultar o botão de chamada.',
    warning: 'O WhatsApp enviou um aviso sobre as chamadas neste número ({{warning}}).',
    settingsChanged: 'As configurações de chamada do número foram alteradas no WhatsApp.',
  },
};
