const fs=require('fs');const f=fs.readdirSync('/tmp/prof')[0];const p=JSON.parse(fs.readFileSync('/tmp/prof/'+f));
const self=new Map();const byId=new Map(p.nodes.map(n=>[n.id,n]));
const dt=p.timeDeltas;let tot=0;const cnt=new Map();
p.samples.forEach((s,i)=>{cnt.set(s,(cnt.get(s)||0)+(dt[i]||0));tot+=dt[i]||0});
const agg=new Map();for(const [id,t] of cnt){const n=byId.get(id);const k=n.callFrame.functionName+' '+n.callFrame.url.split('/').slice(-2).join('/')+':'+n.callFrame.lineNumber;agg.set(k,(agg.get(k)||0)+t)}
console.log('total ms',tot/1000);[...agg].sort((a,b)=>b[1]-a[1]).slice(0,25).forEach(([k,t])=>console.log((t/1000).toFixed(0).padStart(6),k));
